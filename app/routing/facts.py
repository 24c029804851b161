"""Study facts for the rule engine, read from what classification stored."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from sqlalchemy import func, select, true
from sqlalchemy.orm import Session

from app.rules.classified_study import ClassifiedStudy
from app.studies.models import Series, Study
from app.studies.queries import effective_sequence
from app.tasks.models import ReadingTask
from app.vocabulary import TaskKind, TaskState


def study_facts(study: Study, sequences: Iterable[str | None], zone: tzinfo) -> ClassifiedStudy:
    """The facts of one classified study, given its series' sequence types; its time of receipt
    on the clock of `zone`, the department's."""
    return _facts(
        zone=zone,
        modalities=study.modalities,
        region=study.region,
        sequences=sequences,
        categories=study.question_categories,
        question=study.clinical_question,
        description=study.study_description,
        urgency=study.urgency,
        correction=study.correction,
        acuity_steps=study.acuity_steps,
        acuity_cue=study.acuity_cue,
        source_ae=study.source_ae_title,
        institution=study.institution_name,
        received_at=study.first_received_at,
    )


@dataclass(frozen=True, slots=True)
class WindowStudy:
    """A stable study as a dry run sees it: its place in the window, facts and primary task."""

    stable_at: datetime
    id: int
    study_instance_uid: str
    facts: ClassifiedStudy
    task_id: int | None
    task_state: str | None


def recent_stable_facts(
    session: Session,
    zone: tzinfo,
    *,
    last: int,
    stable_from: datetime | None = None,
    stable_to: datetime | None = None,
) -> list[WindowStudy]:
    """The latest stable studies with their facts and primary task, newest first, in one query."""
    query = _WINDOW.limit(last)
    if stable_from is not None:
        query = query.where(Study.stable_at >= stable_from)
    if stable_to is not None:
        query = query.where(Study.stable_at < stable_to)
    return [
        WindowStudy(
            row.stable_at,
            row.id,
            row.study_instance_uid,
            _facts(zone=zone, **row._mapping),
            row.task_id,
            row.task_state,
        )
        for row in session.execute(query)
    ]


_SEQUENCES = (
    select(func.array_agg(effective_sequence()))
    .where(Series.study_id == Study.id)
    .correlate(Study)
    .scalar_subquery()
)
_PRIMARY_TASK = (
    select(ReadingTask.id, ReadingTask.state)
    .where(
        ReadingTask.study_id == Study.id,
        ReadingTask.kind == TaskKind.PRIMARY.value,
        ReadingTask.state != TaskState.CANCELLED.value,
    )
    .order_by(ReadingTask.id)
    .limit(1)
    .lateral("primary_task")
)
_WINDOW = (
    select(
        Study.id,
        Study.stable_at,
        Study.study_instance_uid,
        Study.modalities,
        Study.region,
        _SEQUENCES.label("sequences"),
        Study.question_categories.label("categories"),
        Study.clinical_question.label("question"),
        Study.study_description.label("description"),
        Study.urgency,
        Study.correction,
        Study.acuity_steps,
        Study.acuity_cue,
        Study.source_ae_title.label("source_ae"),
        Study.institution_name.label("institution"),
        Study.first_received_at.label("received_at"),
        _PRIMARY_TASK.c.id.label("task_id"),
        _PRIMARY_TASK.c.state.label("task_state"),
    )
    .outerjoin(_PRIMARY_TASK, true())
    .where(Study.stable_at.is_not(None))
    .order_by(Study.stable_at.desc(), Study.id.desc())
)


def _facts(
    *,
    zone: tzinfo,
    modalities: Iterable[str] | None,
    region: str | None,
    sequences: Iterable[str | None] | None,
    categories: Iterable[str] | None,
    question: str | None,
    description: str | None,
    urgency: str | None,
    correction: dict[str, Any] | None,
    acuity_steps: int | None,
    acuity_cue: str | None,
    source_ae: str | None,
    institution: str | None,
    received_at: datetime | None,
    **_: Any,
) -> ClassifiedStudy:
    corrected = correction or {}
    return ClassifiedStudy(
        modalities=frozenset(modality.upper() for modality in modalities or () if modality),
        region=corrected.get("region") or region or "OTHER",
        sequences=frozenset(sequence for sequence in sequences or () if sequence),
        categories=frozenset(corrected.get("categories", categories) or ()),
        text=f"{question or ''}\n{description or ''}".lower(),
        urgency=corrected.get("urgency") or urgency or "ROUTINE",
        urgency_corrected="urgency" in corrected,
        acuity_steps=acuity_steps or 0,
        acuity_cue=acuity_cue or "",
        source_ae=(source_ae or "").strip(),
        institution=(institution or "").strip(),
        # The rules' time windows and weekdays are the department's: a study received at 23:30
        # UTC is a Sunday evening's in New York.
        received_at=received_at.astimezone(zone) if received_at else None,
    )
