"""Every query routing and assignment make: studies to route, tasks to place, readers to weigh."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, case, func, select, update
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


# The statements run for every routed study are built once, with bound parameters: composing
# a statement each time cost more than running it.
_SERIES_OF = select(Series).where(Series.study_id == bindparam("study_id")).order_by(Series.id)
_SEQUENCES_OF = select(Series.sequence).where(Series.study_id == bindparam("study_id"))
_PRIMARY_TASK = (
    select(ReadingTask)
    .where(
        ReadingTask.study_id == bindparam("study_id"),
        ReadingTask.kind == TaskKind.PRIMARY.value,
        ReadingTask.state != TaskState.CANCELLED.value,
    )
    .order_by(ReadingTask.id)
    .limit(1)
    .with_for_update()
)
_READERS_OF_PATIENT = (
    select(ReadingTask.assignee_id)
    .join(Study, Study.id == ReadingTask.study_id)
    .where(
        Study.patient_id == bindparam("patient_id"),
        Study.id != bindparam("study_id"),
        ReadingTask.state.in_(OPEN_STATES),
        ReadingTask.assignee_id.is_not(None),
    )
)


def series_of(session: Session, study_id: int) -> Sequence[Series]:
    return session.scalars(_SERIES_OF, {"study_id": study_id}).all()


def sequences_of(session: Session, study_id: int) -> list[str | None]:
    """The classified sequence type of each series of the study (header JSON left unread)."""
    return list(session.scalars(_SEQUENCES_OF, {"study_id": study_id}))


def primary_task(session: Session, study_id: int) -> ReadingTask | None:
    """The study's live primary task, locked, if it has one."""
    return session.scalars(_PRIMARY_TASK, {"study_id": study_id}).first()


@dataclass(frozen=True, slots=True)
class ReaderRow:
    radiologist: Radiologist
    pools: set[str]
    institutions: set[str]  # casefolded
    open_tasks: int
    open_workload: float


def readers_with_load(session: Session, *, lock: bool) -> list[ReaderRow]:
    """Every radiologist with their pools, institutions and open load.

    With `lock`, every active one, locked in id order before their workloads are read, so two
    assigners never pick from the same stale figures. The lock is a statement of its own: a
    statement that waited for a row lock still reads other tables as they were when it began.
    All of them, not one pool's: a transaction that locked pool after pool could deadlock with
    one locking them in a single statement. NO KEY UPDATE leaves foreign-key checks free.
    """
    if lock:
        session.execute(_LOCK_ACTIVE_READERS)
    query = _ACTIVE_READERS_WITH_LOAD if lock else _READERS_WITH_LOAD
    return [
        ReaderRow(reader, set(pools or ()), {name.casefold() for name in names or ()}, count, load)
        for reader, pools, names, count, load in session.execute(query)
    ]


def _aggregate(value: Any, owner: Any, *conditions: Any) -> Any:
    return (
        select(func.array_agg(value))
        .where(owner == Radiologist.id, *conditions)
        .correlate(Radiologist)
        .scalar_subquery()
    )


def _open(measure: Any) -> Any:
    return (
        select(measure)
        .where(ReadingTask.assignee_id == Radiologist.id, ReadingTask.state.in_(OPEN_STATES))
        .correlate(Radiologist)
        .scalar_subquery()
    )


# Built once: composing this statement costs more than running it.
_READERS_WITH_LOAD = select(
    Radiologist,
    _aggregate(RadiologistSubspecialty.subspecialty_code, RadiologistSubspecialty.radiologist_id),
    _aggregate(
        RadiologistCredential.value,
        RadiologistCredential.radiologist_id,
        RadiologistCredential.kind == "INSTITUTION",
    ),
    _open(func.count()),
    _open(func.coalesce(func.sum(ReadingTask.workload_weight), 0.0)),
).order_by(Radiologist.id)
_ACTIVE_READERS_WITH_LOAD = _READERS_WITH_LOAD.where(Radiologist.active)
_LOCK_ACTIVE_READERS = (
    select(Radiologist.id)
    .where(Radiologist.active)
    .order_by(Radiologist.id)
    .with_for_update(key_share=True)
)


_MARK_ASSIGNED_AT = (
    update(Radiologist)
    .where(Radiologist.id == bindparam("radiologist_id"))
    .values(last_assigned_at=bindparam("at"))
    .execution_options(synchronize_session=False)
)


def mark_assigned_at(session: Session, radiologist_id: int, at: datetime) -> None:
    """Start the reader's idle clock again (ties go to the longest idle)."""
    session.execute(_MARK_ASSIGNED_AT, {"radiologist_id": radiologist_id, "at": at})


def readers_of_patient(session: Session, patient_id: str | None, study_id: int) -> set[int]:
    """Who holds an open task on another study of the same patient."""
    if not patient_id:
        return set()
    readers = session.scalars(_READERS_OF_PATIENT, {"patient_id": patient_id, "study_id": study_id})
    return {reader for reader in readers if reader is not None}


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
