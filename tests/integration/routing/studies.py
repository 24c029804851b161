"""A stable brain MR study with its series, as the stability sweep would hand it over."""

from datetime import UTC, datetime

from sqlalchemy.orm import Session

from tests.support.factories import make_series, make_study


def make_stable_brain_study(
    session: Session, question: str = "new onset seizure", series: tuple[str, ...] = ("AX T2",)
) -> int:
    study = make_study(
        session,
        study_description="MRI BRAIN WO CONTRAST",
        body_part_examined="BRAIN",
        clinical_question=question,
        stable_at=datetime.now(UTC),
    )
    for description in series:
        make_series(session, study, series_description=description)
    return study.id
