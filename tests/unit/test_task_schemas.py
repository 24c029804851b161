from datetime import date

from app.tasks.schemas import QUESTION_SUMMARY_LENGTH, age_of, summarise


def test_age_is_counted_at_the_study_date_in_dicom_form() -> None:
    assert age_of(date(1980, 6, 2), date(2026, 6, 1)) == "045Y"
    assert age_of(date(1980, 6, 1), date(2026, 6, 1)) == "046Y"
    assert age_of(None, date(2026, 6, 1)) is None


def test_long_questions_are_cut_to_a_summary_with_an_ellipsis() -> None:
    question = "worsening headache " * 10
    summary = summarise(question)
    assert summary is not None
    assert len(summary) <= QUESTION_SUMMARY_LENGTH
    assert summary.endswith("…")
    assert summarise("r/o stroke") == "r/o stroke"
