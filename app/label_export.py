"""Corrected classifications as labelled JSON lines, in the shape of the development sets.

A department grows its own validation set from real use: each corrected series is a line
`{"header", "expected"}` and each corrected study a line `{"input", "expected"}`, which
`python -m bench.classify FILE` scores. Header facts and the question only: no patient data.
"""

from collections.abc import Iterator
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.studies.models import Series, Study
from app.tasks.models import ReadingTask
from app.vocabulary import TaskKind


def corrected_labels(session: Session, since: date | None = None) -> Iterator[dict[str, Any]]:
    """Every corrected series, then every corrected study, corrected on or after `since`."""
    for series in session.scalars(_corrected(Series, since).order_by(Series.id)):
        yield _series_line(series)
    for study in session.scalars(_corrected(Study, since).order_by(Study.id)):
        yield _study_line(session, study)


def _corrected(model: type[Series] | type[Study], since: date | None) -> Any:
    query = select(model).where(model.correction.is_not(None))
    if since is not None:
        query = query.where(model.correction["corrected_at"].astext >= since.isoformat())
    return query


def _series_line(series: Series) -> dict[str, Any]:
    corrected = series.correction or {}
    machine = {"sequence": series.sequence, "plane": series.plane, "fat_sat": series.fat_sat}
    return {
        "id": series.series_instance_uid,
        "header": series.header,
        "expected": {
            **{name: corrected.get(name, value) for name, value in machine.items()},
            "contrast": series.contrast,
        },
        "reason": corrected.get("reason"),
    }


def _study_line(session: Session, study: Study) -> dict[str, Any]:
    corrected = study.correction or {}
    pool = session.scalars(
        select(ReadingTask.subspecialty).where(
            ReadingTask.study_id == study.id, ReadingTask.kind == TaskKind.PRIMARY.value
        )
    ).first()
    return {
        "id": study.study_instance_uid,
        "input": {
            "modality": "\\".join(study.modalities),
            "body_part": study.body_part_examined or "",
            "study_description": study.study_description or "",
            "clinical_question": study.clinical_question or "",
        },
        "expected": {
            "region": corrected.get("region", study.region),
            "categories": corrected.get("categories", study.question_categories),
            "subspecialty": pool,
            "urgency": corrected.get("urgency", study.urgency),
        },
        "reason": corrected.get("reason"),
    }
