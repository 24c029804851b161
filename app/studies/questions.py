"""A study's clinical question: what its images' headers asked, unless an order or a request,
which know better why the study was asked for, gave it."""

from app.studies.models import Study

# Beside each header keyword's text in a study's `question_sources`: who gave the question the
# study shows in their place, when its headers' question is not the one shown.
GIVEN_BY = "clinical_question"


def combined_question(sources: dict[str, str]) -> str | None:
    """The distinct question texts in reading order, joined: what the worklist shows."""
    distinct = list(dict.fromkeys(text for text in sources.values() if text))
    return "; ".join(distinct) or None


def give_question(study: Study, question: str, source: str) -> None:
    study.clinical_question = question
    study.question_sources = {**study.question_sources, GIVEN_BY: source}


def withdraw_question(study: Study, source: str) -> bool:
    """The question `source` gave is withdrawn: the study asks again what its headers asked.

    Whether `source` had given the question shown (a question given by another is kept).
    """
    if study.question_sources.get(GIVEN_BY) != source:
        return False
    headers = {key: text for key, text in study.question_sources.items() if key != GIVEN_BY}
    study.clinical_question = combined_question(headers)
    study.question_sources = headers
    return True
