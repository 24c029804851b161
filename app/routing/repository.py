"""Every query routing and assignment make: studies to route, tasks to place, readers to weigh."""

from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import Session

from app.people.models import Radiologist, RadiologistCredential, RadiologistSubspecialty
from app.routing.assignment import PatientRead
from app.studies.models import Series, Study
from app.studies.patients import PatientIdentity
from app.studies.queries import effective_sequence
from app.tasks.models import ReadingTask
from app.tasks.repository import (
    OPEN_STATE_NAMES,
    PRIORITY_RANK,
    UNCLAIMED_STATE_NAMES,
    WORKLOAD_STATE_NAMES,
)
from app.vocabulary import TaskKind, TaskState

# The statements run for every sweep batch are built once, with bound parameters: composing
# a statement each time cost more than running it.
_STUDIES = select(Study).where(Study.id.in_(bindparam("study_ids", expanding=True)))
_SERIES_OF = (
    select(Series)
    .where(Series.study_id.in_(bindparam("study_ids", expanding=True)))
    .order_by(Series.id)
)
_STUDIES_WITH_SEQUENCES = select(
    Study,
    select(func.array_agg(effective_sequence()))
    .where(Series.study_id == Study.id)
    .correlate(Study)
    .scalar_subquery(),
).where(Study.id.in_(bindparam("study_ids", expanding=True)))
_PRIMARY_TASKS = (
    select(ReadingTask)
    .where(
        ReadingTask.study_id.in_(bindparam("study_ids", expanding=True)),
        ReadingTask.kind == TaskKind.PRIMARY.value,
        ReadingTask.state != TaskState.CANCELLED.value,
    )
    .order_by(ReadingTask.id)
    .with_for_update()
)
_READERS_OF_PATIENTS = (
    select(Study.patient_id, Study.patient_issuer, Study.id, ReadingTask.assignee_id)
    .join(Study, Study.id == ReadingTask.study_id)
    .where(
        Study.patient_id.in_(bindparam("patient_ids", expanding=True)),
        ReadingTask.state.in_(WORKLOAD_STATE_NAMES),
        ReadingTask.assignee_id.is_not(None),
    )
)
_PRIMARY_READERS = select(ReadingTask.id, ReadingTask.assignee_id).where(
    ReadingTask.id.in_(bindparam("task_ids", expanding=True))
)


def studies(session: Session, study_ids: Collection[int]) -> dict[int, Study]:
    """The studies by id; ids of studies that do not exist are left out."""
    if not study_ids:
        return {}
    found = session.scalars(_STUDIES, {"study_ids": list(study_ids)})
    return {study.id: study for study in found}


def series_of(session: Session, study_ids: Collection[int]) -> dict[int, list[Series]]:
    """Each study's series, in the order they were recorded."""
    by_study: dict[int, list[Series]] = defaultdict(list)
    for series in session.scalars(_SERIES_OF, {"study_ids": list(study_ids)}):
        by_study[series.study_id].append(series)
    return by_study


def newest_study_named(session: Session, accession_or_patient_id: str) -> int | None:
    """The newest study with this accession number, else this patient id."""
    for column in (Study.accession_number, Study.patient_id):
        found = session.scalars(
            select(Study.id).where(column == accession_or_patient_id).order_by(Study.id.desc())
        ).first()
        if found is not None:
            return found
    return None


def studies_with_sequences(
    session: Session, study_ids: Collection[int]
) -> dict[int, tuple[Study, list[str | None]]]:
    """Each study with the classified sequence type of its series (header JSON left unread)."""
    rows = session.execute(_STUDIES_WITH_SEQUENCES, {"study_ids": list(study_ids)})
    return {study.id: (study, list(sequences or ())) for study, sequences in rows}


def primary_tasks(session: Session, study_ids: Collection[int]) -> dict[int, ReadingTask]:
    """Each study's live primary task, locked, for the studies that have one."""
    by_study: dict[int, ReadingTask] = {}
    for task in session.scalars(_PRIMARY_TASKS, {"study_ids": list(study_ids)}):
        by_study.setdefault(task.study_id, task)
    return by_study


def store_classification(
    session: Session, *, studies: list[dict[str, Any]], series: list[dict[str, Any]]
) -> None:
    """Write classification results by primary key ("id"): one statement per table."""
    if series:
        session.execute(update(Series), series)
    if studies:
        session.execute(update(Study), studies)


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
        .where(
            ReadingTask.assignee_id == Radiologist.id, ReadingTask.state.in_(WORKLOAD_STATE_NAMES)
        )
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


def mark_assigned_at(session: Session, latest: Mapping[int, datetime]) -> None:
    """Start each reader's idle clock again (ties go to the longest idle), in one statement."""
    if latest:
        rows = [{"id": reader, "last_assigned_at": at} for reader, at in latest.items()]
        session.execute(update(Radiologist), rows)


def readers_of_patients(session: Session, patient_ids: Collection[str]) -> list[PatientRead]:
    """Who holds an open task on which study of a patient with one of these ids (any issuer)."""
    if not patient_ids:
        return []
    rows = session.execute(_READERS_OF_PATIENTS, {"patient_ids": list(patient_ids)})
    return [
        PatientRead(PatientIdentity(patient_id, issuer), study_id, reader)
        for patient_id, issuer, study_id, reader in rows
        if patient_id is not None and reader is not None  # as the query asks; typed optional
    ]


def primary_readers(session: Session, primary_task_ids: Collection[int]) -> dict[int, int | None]:
    """The reader of each primary task, by task id."""
    if not primary_task_ids:
        return {}
    rows = session.execute(_PRIMARY_READERS, {"task_ids": list(primary_task_ids)})
    return {task_id: reader for task_id, reader in rows}


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


def claim_unclaimed_primaries(
    session: Session, routed_before: int, task_ids: Collection[int] | None = None
) -> Sequence[ReadingTask]:
    """Primary tasks nobody has started (UNASSIGNED or ASSIGNED) that rules routed, by a version
    older than `routed_before`, of `task_ids` when given, locked in id order.

    They wait for locks rather than skip them: a task held by a transaction that hands it back
    to the queue is seen in its new state once that transaction ends.
    """
    query = (
        select(ReadingTask)
        .where(
            ReadingTask.state.in_(UNCLAIMED_STATE_NAMES),
            ReadingTask.kind == TaskKind.PRIMARY.value,
            ReadingTask.rule_version < routed_before,  # a task placed by hand has none
        )
        .order_by(ReadingTask.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if task_ids is not None:
        query = query.where(ReadingTask.id.in_(list(task_ids)))
    return session.scalars(query).all()


def claim_due_for_escalation(session: Session, now: datetime, limit: int) -> Sequence[ReadingTask]:
    """Open tasks past 80 % of their SLA that have not yet escalated that far."""
    elapsed = (func.extract("epoch", now - ReadingTask.created_at)) / func.nullif(
        func.extract("epoch", ReadingTask.due_at - ReadingTask.created_at), 0
    )
    query = (
        select(ReadingTask)
        .where(
            ReadingTask.state.in_(OPEN_STATE_NAMES),
            ReadingTask.escalation_level < 2,
            ((ReadingTask.escalation_level == 0) & (elapsed >= 0.8)) | (ReadingTask.due_at <= now),
        )
        .order_by(ReadingTask.due_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return session.scalars(query).all()
