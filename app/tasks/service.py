"""Moving reading tasks through their life cycle: every transition checked, recorded and audited."""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import CTE, FromClause, func, insert
from sqlalchemy.orm import Session

from app.audit.events import AuditAction
from app.audit.models import AuditEvent
from app.audit.service import audit_values
from app.db.base import Base
from app.db.statements import insert_per_row
from app.errors import Invalid
from app.people.models import Radiologist
from app.principal import Principal
from app.settings import Settings
from app.tasks import repository
from app.tasks.errors import TaskNotFound, VersionConflict
from app.tasks.models import ReadingTask, TaskEvent, TaskReport
from app.tasks.reports import ReportText, check_complete
from app.tasks.service_levels import due_at
from app.tasks.state_machine import (
    Action,
    Actor,
    TaskFacts,
    accepts,
    next_state_for,
    refuse_stranger,
)
from app.vocabulary import Priority, ReportKind, TaskKind, TaskState

AUDIT_OBJECT = "reading_task"


def actor_of(session: Session, principal: Principal, with_pools: bool = True) -> Actor:
    """The caller as the state machine sees them; pools are only read when a rule needs them."""
    pools = frozenset[str]()
    if with_pools and principal.radiologist_id is not None:
        pools = repository.pools_of(session, principal.radiologist_id)
    return Actor(role=principal.role, radiologist_id=principal.radiologist_id, pools=pools)


def facts_of(session: Session, task: ReadingTask) -> TaskFacts:
    primary_reader = None
    if task.primary_task_id is not None:
        primary_reader = repository.assignee_of(session, task.primary_task_id)
    return TaskFacts(
        state=TaskState(task.state),
        subspecialty=task.subspecialty,
        assignee_id=task.assignee_id,
        claimed_from_state=TaskState(task.claimed_from_state) if task.claimed_from_state else None,
        primary_reader_id=primary_reader,
    )


def begin(
    session: Session, principal: Principal, task_id: int, action: Action, version: int | None
) -> tuple[ReadingTask, TaskState]:
    """Lock the task and check the version, the state machine and the caller; return the target."""
    task = repository.get(session, task_id, for_update=True)
    if task is None:
        raise TaskNotFound(task_id)
    return task, check_transition(session, principal, task, action, version)


def check_transition(
    session: Session, principal: Principal, task: ReadingTask, action: Action, version: int | None
) -> TaskState:
    """403 for someone else's task, then 409 for a stale version, then 422 for a refused state.

    A claim that lost its race is told who moved first (409) rather than only that it is taken.
    """
    if action is Action.CLAIM and version is not None and task.version != version:
        raise VersionConflict(task, version)
    facts = facts_of(session, task)
    # Pools matter to a claim, and to a refusal, which lists `claim` when the caller may take it.
    with_pools = action is Action.CLAIM or not accepts(action, facts.state)
    actor = actor_of(session, principal, with_pools=with_pools)
    refuse_stranger(action, facts, actor)
    if version is not None and task.version != version:
        raise VersionConflict(task, version)
    return next_state_for(action, facts, actor)


def finish(
    session: Session,
    principal: Principal,
    task: ReadingTask,
    action: Action,
    target: TaskState,
    details: dict[str, Any] | None = None,
) -> ReadingTask:
    """Move the task to `target` with a new version, a history line and an audit row."""
    record_histories(session, principal, [move(task, action, target, details)])
    session.flush()
    return task


def move(
    task: ReadingTask, action: Action, target: TaskState, details: dict[str, Any] | None = None
) -> "Change":
    """Put the task in `target` with a new version; the change, for `record_histories`.

    `finish` does both; callers moving many tasks record their changes together.
    """
    from_state = task.state
    task.state = target.value
    task.version += 1
    return Change(task.id, action.value, from_state, task.state, details or {})


@dataclass(frozen=True, slots=True)
class Change:
    """One change of a task; the id and states may be SQL over the rows a statement changed."""

    task_id: Any
    action: str
    from_state: Any
    to_state: Any
    details: dict[str, Any]


def change_rows(principal: Principal, change: Change) -> list[tuple[type[Base], dict[str, Any]]]:
    """What one change of a task writes: a line in its history and a row in the audit trail."""
    history = history_line(principal.actor, change)
    moved = {"action": change.action, "from": change.from_state, "to": change.to_state}
    audit = audit_values(
        principal,
        AuditAction.PROCEDURE_RECORD,
        object_type=AUDIT_OBJECT,
        object_id=change.task_id,
        details=moved | change.details,
    )
    return [(TaskEvent, history), (AuditEvent, audit)]


def history_line(actor: str, change: Change) -> dict[str, Any]:
    return {
        "task_id": change.task_id,
        "action": change.action,
        "from_state": change.from_state,
        "to_state": change.to_state,
        "actor": actor,
        "details": change.details,
    }


def record_history(
    session: Session,
    principal: Principal,
    task: ReadingTask,
    action: str,
    from_state: str | None,
    details: dict[str, Any],
) -> None:
    """A line in the task's history and a row in the audit trail, for one change of the task."""
    record_histories(session, principal, [Change(task.id, action, from_state, task.state, details)])


def record_histories(session: Session, principal: Principal, changes: Sequence[Change]) -> None:
    """For each change, a line in the task's history and a row in the audit trail.

    One statement per table, however many changes.
    """
    rows: dict[type[Base], list[dict[str, Any]]] = defaultdict(list)
    for change in changes:
        for model, values in change_rows(principal, change):
            rows[model].append(values)
    for model, values_of_each in rows.items():
        session.execute(insert(model), values_of_each)


def record_history_lines(session: Session, actor: str, changes: Sequence[Change]) -> None:
    """A line in each changed task's history, without audit rows, in one statement."""
    if changes:
        session.execute(insert(TaskEvent), [history_line(actor, change) for change in changes])


def change_records(principal: Principal, change: Change, changed: FromClause) -> list[CTE]:
    """The same rows as `record_history`, inserted by the statement that changed the tasks."""
    return [
        insert_per_row(model, values, changed).cte(f"recorded_{model.__tablename__}")
        for model, values in change_rows(principal, change)
    ]


def reading_started(radiologist_id: int, lease: float) -> dict[str, Any]:
    """What a claim sets on the task, whichever way it was chosen; SQL over the task as it was."""
    return {
        "claimed_from_state": ReadingTask.state,
        "assignee_id": radiologist_id,
        "lease_expires_at": func.now() + timedelta(seconds=lease),
        "started_at": func.coalesce(ReadingTask.started_at, func.now()),
    }


def claim(
    session: Session, principal: Principal, task_id: int, version: int | None, lease: float
) -> ReadingTask:
    task, target = begin(session, principal, task_id, Action.CLAIM, version)
    assert principal.radiologist_id is not None  # check_actor let only a radiologist through
    for name, value in reading_started(principal.radiologist_id, lease).items():
        setattr(task, name, value)
    return finish(session, principal, task, Action.CLAIM, target)


def heartbeat(
    session: Session, principal: Principal, task_id: int, version: int | None, lease: float
) -> ReadingTask:
    """Renew the lease; not a transition, so neither the version nor the history change."""
    task, _ = begin(session, principal, task_id, Action.HEARTBEAT, version)
    task.lease_expires_at = datetime.now(UTC) + timedelta(seconds=lease)
    session.flush()
    return task


def release(
    session: Session, principal: Principal, task_id: int, version: int | None
) -> ReadingTask:
    """Hand the task back to where it was claimed from; "next" skips it for this reader a while."""
    task, target = begin(session, principal, task_id, Action.RELEASE, version)
    assert principal.radiologist_id is not None
    repository.record_skip(session, task.id, principal.radiologist_id)
    return return_to_queue(session, principal, task, Action.RELEASE, target)


def return_to_queue(
    session: Session,
    principal: Principal,
    task: ReadingTask,
    action: Action,
    target: TaskState,
    details: dict[str, Any] | None = None,
) -> ReadingTask:
    task.lease_expires_at = None
    task.claimed_from_state = None
    if target is TaskState.UNASSIGNED:
        task.assignee_id = None
    return finish(session, principal, task, action, target, details)


def preliminary(
    session: Session, principal: Principal, task_id: int, version: int | None, text: ReportText
) -> ReadingTask:
    task, target = begin(session, principal, task_id, Action.PRELIMINARY, version)
    write_report(session, task, ReportKind.PRELIMINARY, text)
    task.lease_expires_at = None
    return finish(session, principal, task, Action.PRELIMINARY, target)


def addendum(
    session: Session, principal: Principal, task_id: int, version: int | None, text: ReportText
) -> ReadingTask:
    """Append an addendum; the final report it amends stays as it was."""
    task, target = begin(session, principal, task_id, Action.ADDENDUM, version)
    write_report(session, task, ReportKind.ADDENDUM, text)
    return finish(session, principal, task, Action.ADDENDUM, target)


def assign(
    session: Session,
    principal: Principal,
    task_id: int,
    version: int | None,
    radiologist_id: int,
) -> ReadingTask:
    """Give the task to a radiologist: `assign` when unassigned, `reassign` otherwise."""
    task = repository.get(session, task_id, for_update=True)
    if task is None:
        raise TaskNotFound(task_id)
    action = Action.ASSIGN if task.state == TaskState.UNASSIGNED.value else Action.REASSIGN
    target = check_transition(session, principal, task, action, version)
    check_assignable(session, task, radiologist_id)
    details = {"from_assignee": task.assignee_id, "to_assignee": radiologist_id}
    task.assignee_id = radiologist_id
    task.assigned_at = datetime.now(UTC)
    task.lease_expires_at = None
    task.claimed_from_state = None
    return finish(session, principal, task, action, target, details)


def unassign(
    session: Session, principal: Principal, task_id: int, version: int | None
) -> ReadingTask:
    task, target = begin(session, principal, task_id, Action.UNASSIGN, version)
    return return_to_queue(session, principal, task, Action.UNASSIGN, target)


def cancel(
    session: Session, principal: Principal, task_id: int, version: int | None, reason: str
) -> ReadingTask:
    task, target = begin(session, principal, task_id, Action.CANCEL, version)
    task.lease_expires_at = None
    return finish(session, principal, task, Action.CANCEL, target, {"reason": reason})


def check_assignable(session: Session, task: ReadingTask, radiologist_id: int) -> None:
    radiologist = session.get(Radiologist, radiologist_id)
    if radiologist is None or not radiologist.active:
        raise Invalid(f"no active radiologist {radiologist_id}")
    if task.kind == TaskKind.SECOND_OPINION.value and task.primary_task_id is not None:
        if repository.assignee_of(session, task.primary_task_id) == radiologist_id:
            raise Invalid("the primary reader cannot give the second opinion")


def write_report(session: Session, task: ReadingTask, kind: ReportKind, text: ReportText) -> None:
    check_complete(kind, text)
    report = TaskReport(
        task_id=task.id,
        kind=kind.value,
        findings=text.findings,
        impression=text.impression,
        critical=text.critical,
        author_id=task.assignee_id,
    )
    repository.add_report(session, report)


def reprioritize(
    session: Session,
    principal: Principal,
    settings: Settings,
    task: ReadingTask,
    priority: Priority,
    study_ready_at: datetime,
) -> None:
    """A new priority and the due time it sets.

    A primary read is due counted from when its study was ready; a second opinion keeps its own
    service level, counted from when it was asked for.
    """
    if task.priority == priority.value:
        return
    target = check_transition(session, principal, task, Action.REPRIORITIZE, None)
    details = {"from_priority": task.priority, "to_priority": priority.value}
    task.priority = priority.value
    second_opinion = task.kind == TaskKind.SECOND_OPINION.value
    since = task.created_at if second_opinion else study_ready_at
    task.due_at = due_at(settings, priority.value, since, second_opinion=second_opinion)
    finish(session, principal, task, Action.REPRIORITIZE, target, details)
