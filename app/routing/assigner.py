"""Pushing waiting tasks to readers, and explaining who could read a task."""

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from app.auth.principal import Principal
from app.people.duty import is_on_duty
from app.routing import repository
from app.routing.assignment import Candidate, Choice, TaskNeeds, choose, why_not
from app.routing.errors import TaskNotFound
from app.routing.repository import ReaderRow
from app.routing.schemas import ReaderEligibility, TaskEligibility
from app.settings import Settings
from app.tasks import repository as tasks
from app.tasks.models import ReadingTask
from app.tasks.service import finish
from app.tasks.state_machine import Action
from app.vocabulary import TaskState

ASSIGNER = Principal.system("assignment")


def candidates(session: Session, settings: Settings, *, lock: bool) -> list[Candidate]:
    """Every radiologist with their open load; `lock` takes the assigners' row locks first."""
    local_now = datetime.now(ZoneInfo(settings.shift_timezone))
    rows = repository.readers_with_load(session, lock=lock)
    return [_candidate(row, local_now) for row in rows]


def needs_of(session: Session, task: ReadingTask, named_reader: int | None = None) -> TaskNeeds:
    study = repository.get_study(session, task.study_id)
    assert study is not None
    return TaskNeeds(
        subspecialty=task.subspecialty,
        priority=task.priority,
        institution=study.institution_name or "",
        excluded_reader=repository.primary_reader(session, task.primary_task_id),
        named_reader=named_reader,
        patient_readers=frozenset(
            repository.readers_of_patient(session, study.patient_id, study.id)
        ),
    )


def assign_waiting(session: Session, settings: Settings, limit: int = 200) -> int:
    """Background job: push waiting tasks, most urgent first, to whoever may read them now."""
    waiting = repository.claim_waiting(session, limit)
    if not waiting:
        return 0
    return assign_all(session, settings, waiting, ASSIGNER)


def assign_all(
    session: Session, settings: Settings, waiting: Sequence[ReadingTask], principal: Principal
) -> int:
    """Assign each task in turn, counting each new assignment in the next one's workloads."""
    pool = candidates(session, settings, lock=True)
    assigned = 0
    for task in waiting:
        choice = choose(pool, needs_of(session, task))
        if choice is not None:
            pool = _after_assignment(pool, task, choice, _assign(session, task, choice, principal))
            assigned += 1
    return assigned


def assign_one(
    session: Session,
    settings: Settings,
    task: ReadingTask,
    principal: Principal,
    named_reader: int | None = None,
) -> Choice | None:
    """Push one unassigned task to the best eligible reader; None leaves it waiting."""
    pool = candidates(session, settings, lock=True)
    choice = choose(pool, needs_of(session, task, named_reader))
    if choice is not None:
        _assign(session, task, choice, principal)
    return choice


def explain(session: Session, settings: Settings, task_id: int) -> TaskEligibility:
    """Every radiologist, whether they may read the task, and why not."""
    task = tasks.get(session, task_id)
    if task is None:
        raise TaskNotFound(task_id)
    needs = needs_of(session, task)
    everyone = candidates(session, settings, lock=False)
    choice = choose(everyone, needs)
    return TaskEligibility(
        task_id=task.id,
        state=task.state,
        subspecialty=task.subspecialty,
        priority=task.priority,
        assignee_id=task.assignee_id,
        would_choose=choice.radiologist_id if choice else None,
        radiologists=[
            ReaderEligibility(
                id=candidate.id,
                name=candidate.name,
                eligible=not reasons,
                reasons=reasons,
                open_tasks=candidate.open_tasks,
                open_workload=candidate.open_workload,
            )
            for candidate in everyone
            for reasons in [why_not(candidate, needs)]
        ],
    )


def _assign(session: Session, task: ReadingTask, choice: Choice, principal: Principal) -> datetime:
    now = datetime.now(UTC)
    task.assignee_id = choice.radiologist_id
    task.assigned_at = now
    details = {"assignee_id": choice.radiologist_id, "why": list(choice.reasons)}
    finish(session, principal, task, Action.ASSIGN, TaskState.ASSIGNED, details)
    repository.mark_assigned_at(session, choice.radiologist_id, now)
    return now


def _after_assignment(
    pool: list[Candidate], task: ReadingTask, choice: Choice, at: datetime
) -> list[Candidate]:
    return [
        replace(
            candidate,
            open_tasks=candidate.open_tasks + 1,
            open_workload=candidate.open_workload + task.workload_weight,
            last_assigned_at=at,
        )
        if candidate.id == choice.radiologist_id
        else candidate
        for candidate in pool
    ]


def _candidate(row: ReaderRow, local_now: datetime) -> Candidate:
    radiologist = row.radiologist
    return Candidate(
        id=radiologist.id,
        name=radiologist.name,
        active=radiologist.active,
        on_duty=is_on_duty(radiologist.on_duty, radiologist.shift_windows, local_now),
        subspecialties=frozenset(row.pools),
        institutions=frozenset(row.institutions),
        open_tasks=row.open_tasks,
        open_workload=row.open_workload,
        max_open_tasks=radiologist.max_open_tasks,
        last_assigned_at=radiologist.last_assigned_at,
    )
