"""The first step at stability: classify each series from its header, then the study."""

from datetime import UTC, datetime

from sqlalchemy.orm import Session

from app.classification.question import classify_question
from app.classification.region import classify_region
from app.classification.sequence import classify_series
from app.classification.series_header import SeriesHeader
from app.classification.vocabulary import URGENCY_ORDER, Urgency
from app.routing import repository
from app.settings import Settings
from app.studies.models import Series, Study

# Requested Procedure Priority (0040,1003) values that ask for more than a routine read.
REQUESTED_URGENCY: dict[str, Urgency] = {"STAT": "STAT", "HIGH": "URGENT", "URGENT": "URGENT"}


def classify_study(session: Session, study_id: int, settings: Settings) -> None:
    """Store each series' sequence, plane, fat sat and contrast; the study's region and question."""
    study = repository.get_study(session, study_id)
    if study is None:
        return
    series = repository.series_of(session, study_id)
    for one in series:
        _classify_one_series(one, study)
    region = classify_region(
        study.body_part_examined or "",
        study.study_description or "",
        [one.series_description or "" for one in series],
        question=study.clinical_question or "",
    )
    question = classify_question(study.clinical_question or "")
    urgency, urgency_reason = _urgency(question.urgency, study.requested_priority)
    study.region = region.region
    study.question_categories = list(question.categories)
    study.urgency = urgency
    study.classification_reasons = [*region.reasons, *question.reasons, *urgency_reason]
    study.classified_at = datetime.now(UTC)
    session.flush()


def _classify_one_series(series: Series, study: Study) -> None:
    header = (
        SeriesHeader.from_json(series.header)
        if series.header
        else SeriesHeader(
            series_instance_uid=series.series_instance_uid,
            modality=series.modality or "",
            series_description=series.series_description or "",
            protocol_name=series.protocol_name or "",
            study_description=study.study_description or "",
            body_part_examined=series.body_part_examined or "",
        )
    )
    result = classify_series(header)
    series.sequence = result.sequence
    series.plane = result.plane
    series.fat_sat = result.fat_sat
    series.contrast = result.contrast
    series.classification_reasons = list(result.reasons)


def _urgency(from_question: Urgency, requested: str | None) -> tuple[Urgency, list[str]]:
    """The more urgent of the question's urgency and the order's requested priority."""
    asked = REQUESTED_URGENCY.get((requested or "").strip().upper())
    if asked is None or URGENCY_ORDER.index(asked) <= URGENCY_ORDER.index(from_question):
        return from_question, []
    return asked, [f"the order's requested priority {requested} makes it {asked}"]
