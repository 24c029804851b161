"""Every query routing and assignment make: studies to route, tasks to place, readers to weigh."""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from app.people.models import Radiologist, RadiologistCredential, RadiologistSubspecialty
from app.studies.models import Series, Study
from app.tasks.models import ReadingTask
from app.vocabulary import Priority, TaskKind, TaskState

OPEN_STATES = (TaskState.ASSIGNED.value, TaskState.IN_PROGRESS.value)
# Most urgent first when several tasks wait.
PRIORITY_RANK = case(
    {Priority.STAT.value: 0, Priority.URGENT.value: 1}, value=ReadingTask.priority, else_=2
)


def get_study(session: Session, study_id: int) -> Study | None:
    return session.get(Study, study_id)


def series_of(session: Session, study_id: int) -> Sequence[Series]:
    query = select(Series).where(Series.study_id == study_id).order_by(Series.id)
    return session.scalars(query).all()


def primary_task(session: Session, study_id: int) -> ReadingTask | None:
    """The study's live primary task, locked, if it has one."""
    query = (
        select(ReadingTask)
        .where(
            ReadingTask.study_id == study_id,
            ReadingTask.kind == TaskKind.PRIMARY.value,
            ReadingTask.state != TaskState.CANCELLED.value,
        )
        .order_by(ReadingTask.id)
        .limit(1)
        .with_for_update()
    )
    return session.scalars(query).first()


def lock_radiologists(session: Session, *, active_only: bool = True) -> Sequence[Radiologist]:
    """Radiologists, locked in id order so concurrent assigners queue rather than deadlock.

    Every assigner locks the same ordered set before reading workloads, so two never pick a
    reader from the same stale figures. NO KEY UPDATE leaves foreign-key checks unblocked.
    """
    query = select(Radiologist).order_by(Radiologist.id).with_for_update(key_share=True)
    if active_only:
        query = query.where(Radiologist.active)
    return session.scalars(query).all()


def all_radiologists(session: Session) -> Sequence[Radiologist]:
    return session.scalars(select(Radiologist).order_by(Radiologist.id)).all()


def pools_by_reader(session: Session, ids: list[int]) -> dict[int, set[str]]:
    rows = session.execute(
        select(
            RadiologistSubspecialty.radiologist_id, RadiologistSubspecialty.subspecialty_code
        ).where(RadiologistSubspecialty.radiologist_id.in_(ids))
    )
    found: dict[int, set[str]] = {}
    for radiologist_id, code in rows:
        found.setdefault(radiologist_id, set()).add(code)
    return found


def institutions_by_reader(session: Session, ids: list[int]) -> dict[int, set[str]]:
    rows = session.execute(
        select(RadiologistCredential.radiologist_id, RadiologistCredential.value).where(
            RadiologistCredential.radiologist_id.in_(ids),
            RadiologistCredential.kind == "INSTITUTION",
        )
    )
    found: dict[int, set[str]] = {}
    for radiologist_id, value in rows:
        found.setdefault(radiologist_id, set()).add(value.casefold())
    return found


def open_load_by_reader(session: Session, ids: list[int]) -> dict[int, tuple[int, float]]:
    """(open task count, summed workload weight) per radiologist."""
    rows = session.execute(
        select(
            ReadingTask.assignee_id,
            func.count(),
            func.coalesce(func.sum(ReadingTask.workload_weight), 0.0),
        )
        .where(ReadingTask.assignee_id.in_(ids), ReadingTask.state.in_(OPEN_STATES))
        .group_by(ReadingTask.assignee_id)
    )
    return {row[0]: (int(row[1]), float(row[2])) for row in rows if row[0] is not None}


def readers_of_patient(session: Session, patient_id: str | None, study_id: int) -> set[int]:
    """Who holds an open task on another study of the same patient."""
    if not patient_id:
        return set()
    query = (
        select(ReadingTask.assignee_id)
        .join(Study, Study.id == ReadingTask.study_id)
        .where(
            Study.patient_id == patient_id,
            Study.id != study_id,
            ReadingTask.state.in_(OPEN_STATES),
            ReadingTask.assignee_id.is_not(None),
        )
    )
    return {reader for reader in session.scalars(query) if reader is not None}


def primary_reader(session: Session, primary_task_id: int | None) -> int | None:
    if primary_task_id is None:
        return None
    query = select(ReadingTask.assignee_id).where(ReadingTask.id == primary_task_id)
    reader: int | None = session.scalar(query)
    return reader


def claim_waiting(session: Session, limit: int) -> Sequence[ReadingTask]:
    """Unassigned tasks, most urgent first, that no other assigner holds."""
    query = (
        select(ReadingTask)
        .where(ReadingTask.state == TaskState.UNASSIGNED.value)
        .order_by(PRIORITY_RANK, ReadingTask.due_at, ReadingTask.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return session.scalars(query).all()


def claim_unassigned_primaries(session: Session) -> Sequence[ReadingTask]:
    """Every unassigned primary task no one else holds: the ones a new rule set re-routes."""
    query = (
        select(ReadingTask)
        .where(
            ReadingTask.state == TaskState.UNASSIGNED.value,
            ReadingTask.kind == TaskKind.PRIMARY.value,
        )
        .order_by(ReadingTask.id)
        .with_for_update(skip_locked=True)
    )
    return session.scalars(query).all()


def claim_due_for_escalation(session: Session, now: datetime, limit: int) -> Sequence[ReadingTask]:
    """Open tasks past 80 % of their SLA that have not yet escalated that far."""
    elapsed = (func.extract("epoch", now - ReadingTask.created_at)) / func.nullif(
        func.extract("epoch", ReadingTask.due_at - ReadingTask.created_at), 0
    )
    query = (
        select(ReadingTask)
        .where(
            ReadingTask.state.in_((TaskState.UNASSIGNED.value, *OPEN_STATES)),
            ReadingTask.escalation_level < 2,
            ((ReadingTask.escalation_level == 0) & (elapsed >= 0.8)) | (ReadingTask.due_at <= now),
        )
        .order_by(ReadingTask.due_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return session.scalars(query).all()
