"""Every query on reading tasks and their history."""

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import CTE, ColumnElement, Select, case, exists, func, select, union_all, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session, aliased

from app.people.models import RadiologistSubspecialty
from app.tasks.models import ReadingTask, TaskEvent, TaskReport, TaskSkip
from app.tasks.service_levels import RANK_OF_PRIORITY
from app.tasks.state_machine import (
    CLAIM_RIGHTS,
    OPEN_STATES,
    UNCLAIMED_STATES,
    WORKLOAD_STATES,
    ClaimRight,
)
from app.vocabulary import Priority, TaskKind, TaskState

OPEN_STATE_NAMES = sorted(state.value for state in OPEN_STATES)
WORKLOAD_STATE_NAMES = sorted(state.value for state in WORKLOAD_STATES)
UNCLAIMED_STATE_NAMES = sorted(state.value for state in UNCLAIMED_STATES)

# A task's place in "most urgent first", in SQL.
PRIORITY_RANK = case(RANK_OF_PRIORITY, value=ReadingTask.priority, else_=len(RANK_OF_PRIORITY))


def add(session: Session, task: ReadingTask) -> ReadingTask:
    session.add(task)
    session.flush()
    return task


def add_all(session: Session, tasks: Sequence[ReadingTask]) -> None:
    """Insert the tasks together (one multi-row INSERT); their ids are set after."""
    session.add_all(tasks)
    session.flush()


def get(session: Session, task_id: int, *, for_update: bool = False) -> ReadingTask | None:
    query = select(ReadingTask).where(ReadingTask.id == task_id)
    if for_update:
        query = query.with_for_update().execution_options(populate_existing=True)
    return session.scalars(query).one_or_none()


def pools_of(session: Session, radiologist_id: int) -> frozenset[str]:
    """The subspecialty pools a radiologist reads for."""
    codes = session.scalars(
        select(RadiologistSubspecialty.subspecialty_code).where(
            RadiologistSubspecialty.radiologist_id == radiologist_id
        )
    )
    return frozenset(codes)


def assignee_of(session: Session, task_id: int) -> int | None:
    return session.scalar(select(ReadingTask.assignee_id).where(ReadingTask.id == task_id))


def add_report(session: Session, report: TaskReport) -> None:
    session.add(report)


def reports_of(session: Session, task_id: int) -> list[TaskReport]:
    query = select(TaskReport).where(TaskReport.task_id == task_id).order_by(TaskReport.id)
    return list(session.scalars(query))


def events_of(session: Session, task_id: int) -> list[TaskEvent]:
    query = select(TaskEvent).where(TaskEvent.task_id == task_id).order_by(TaskEvent.id)
    return list(session.scalars(query))


def record_skip(session: Session, task_id: int, radiologist_id: int) -> None:
    """Remember that this radiologist passed the task over, now."""
    statement = insert(TaskSkip).values(task_id=task_id, radiologist_id=radiologist_id)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=[TaskSkip.task_id, TaskSkip.radiologist_id],
            set_={"skipped_at": func.now()},
        )
    )


def linked_tasks(session: Session, task: ReadingTask) -> list[ReadingTask]:
    """The second opinions of a primary task, or the primary of a second opinion."""
    if task.primary_task_id is not None:
        condition = ReadingTask.id == task.primary_task_id
    else:
        condition = ReadingTask.primary_task_id == task.id
    return list(session.scalars(select(ReadingTask).where(condition).order_by(ReadingTask.id)))


def open_second_opinion(
    session: Session, primary_task_id: int, subspecialty: str
) -> ReadingTask | None:
    """An over-read of this primary read by this pool not yet final or cancelled, if any."""
    query = select(ReadingTask).where(
        ReadingTask.primary_task_id == primary_task_id,
        ReadingTask.kind == TaskKind.SECOND_OPINION.value,
        ReadingTask.subspecialty == subspecialty,
        ReadingTask.state.in_(OPEN_STATE_NAMES),
    )
    return session.scalars(query.order_by(ReadingTask.id).limit(1)).first()


def primary_task_of_study(session: Session, study_id: int) -> ReadingTask | None:
    query = (
        select(ReadingTask)
        .where(ReadingTask.study_id == study_id, ReadingTask.kind == TaskKind.PRIMARY.value)
        .order_by(ReadingTask.id.desc())
        .limit(1)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return session.scalars(query).one_or_none()


def primary_reads_of_studies(
    session: Session, study_ids: Sequence[int]
) -> dict[int, tuple[int, str]]:
    """The latest primary task of each study, as (task id, state), by study id."""
    if not study_ids:
        return {}
    query = (
        select(ReadingTask.study_id, ReadingTask.id, ReadingTask.state)
        .where(ReadingTask.study_id.in_(study_ids), ReadingTask.kind == TaskKind.PRIMARY.value)
        .order_by(ReadingTask.id)
    )
    # In id order, so a later primary (a study routed again after a cancel) replaces an earlier.
    return {study_id: (task_id, state) for study_id, task_id, state in session.execute(query)}


def open_tasks_of_study(session: Session, study_id: int) -> list[ReadingTask]:
    query = (
        select(ReadingTask)
        .where(ReadingTask.study_id == study_id, ReadingTask.state.in_(OPEN_STATE_NAMES))
        .order_by(ReadingTask.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return list(session.scalars(query))


def touch_tasks_of_study(session: Session, study_id: int) -> None:
    """Give the study's tasks a new change number: their list items show study fields."""
    session.execute(
        update(ReadingTask).where(ReadingTask.study_id == study_id).values(updated_at=func.now())
    )


def lapsed_leases(session: Session, now: datetime, limit: int) -> list[ReadingTask]:
    query = (
        select(ReadingTask)
        .where(
            ReadingTask.state == TaskState.IN_PROGRESS.value,
            ReadingTask.lease_expires_at < now,
        )
        .order_by(ReadingTask.lease_expires_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
        .execution_options(populate_existing=True)
    )
    return list(session.scalars(query))


# Built once: making an alias per query costs milliseconds of SQLAlchemy work on every "next".
_PRIMARY = aliased(ReadingTask, name="primary_task")


def may_claim(radiologist_id: int, state: TaskState) -> ColumnElement[bool]:
    """The state machine's CLAIM_RIGHTS in SQL: tasks in `state` this radiologist may claim."""
    if CLAIM_RIGHTS[state] is ClaimRight.ASSIGNEE:
        whose = ReadingTask.assignee_id == radiologist_id
    else:
        pools = select(RadiologistSubspecialty.subspecialty_code).where(
            RadiologistSubspecialty.radiologist_id == radiologist_id
        )
        whose = ReadingTask.subspecialty.in_(pools)
    own_primary = exists().where(
        _PRIMARY.id == ReadingTask.primary_task_id, _PRIMARY.assignee_id == radiologist_id
    )
    return (ReadingTask.state == state.value) & whose & ~own_primary


def _not_skipped_by(
    radiologist_id: int, skipped_after: ColumnElement[datetime]
) -> ColumnElement[bool]:
    """Not passed over by this radiologist lately: "next" offers a released case to others."""
    return ~exists().where(
        TaskSkip.task_id == ReadingTask.id,
        TaskSkip.radiologist_id == radiologist_id,
        TaskSkip.skipped_at > skipped_after,
    )


def claim_most_urgent(radiologist_id: int, cooldown: timedelta, changes: dict[str, Any]) -> CTE:
    """UPDATE … RETURNING (as a CTE) of the most urgent task this radiologist may claim, if any.

    Their own assigned tasks first, then their pools' by priority: each probe walks its queue
    index and locks one row at most with SKIP LOCKED, and runs only when every earlier probe found
    nothing, so one task is locked and concurrent callers never wait on each other.
    """
    skipped_after = func.now() - cooldown
    probes: list[Select[int]] = []
    for state, right in CLAIM_RIGHTS.items():
        claimable = _claimable(radiologist_id, state, skipped_after)
        if right is ClaimRight.ASSIGNEE:
            probes.append(claimable.order_by(PRIORITY_RANK, ReadingTask.due_at, ReadingTask.id))
            continue
        probes.extend(
            claimable.where(ReadingTask.priority == priority.value).order_by(
                ReadingTask.due_at, ReadingTask.id
            )
            for priority in Priority
        )
    found: list[CTE] = []
    for number, probe in enumerate(probes):
        first = probe.where(*(~select(earlier.c.id).exists() for earlier in found))
        first = first.limit(1).with_for_update(skip_locked=True)
        found.append(first.cte(f"candidate_{number}").prefix_with("MATERIALIZED"))
    chosen = union_all(*(select(candidate.c.id) for candidate in found))
    claim = update(ReadingTask).where(ReadingTask.id.in_(chosen)).values(changes)
    return claim.returning(*ReadingTask.__table__.columns).cte("claimed")


def _claimable(
    radiologist_id: int, state: TaskState, skipped_after: ColumnElement[datetime]
) -> Select[int]:
    return select(ReadingTask.id).where(
        may_claim(radiologist_id, state), _not_skipped_by(radiologist_id, skipped_after)
    )
