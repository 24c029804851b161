"""Pushing waiting tasks to readers, and explaining who could read a task."""

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from app.people.duty import is_on_duty
from app.principal import Principal
from app.routing import repository
from app.routing.assignment import (
    Candidate,
    Choice,
    PatientReaders,
    TaskNeeds,
    choose,
    why_not,
)
from app.routing.repository import ReaderRow
from app.routing.schemas import ReaderEligibility, TaskEligibility
from app.settings import Settings
from app.studies.models import Study
from app.studies.patients import identity_of
from app.tasks import repository as tasks
from app.tasks.errors import TaskNotFound
from app.tasks.models import ReadingTask
from app.tasks.service import Change, move, record_histories
from app.tasks.state_machine import Action
from app.vocabulary import TaskState

ASSIGNER = Principal.system("assignment")


def candidates(session: Session, settings: Settings, *, lock: bool) -> list[Candidate]:
    """Every radiologist with their open load; `lock` takes the assigners' row locks first."""
    local_now = datetime.now(settings.zone)
    rows = repository.readers_with_load(session, lock=lock)
    return [_candidate(row, local_now) for row in rows]


def assign_waiting(session: Session, settings: Settings, limit: int = 200) -> int:
    """Background job: push waiting tasks, most urgent first, to whoever may read them now."""
    waiting = repository.claim_waiting(session, limit)
    return assign_all(session, settings, waiting, ASSIGNER)


def assign_all(
    session: Session,
    settings: Settings,
    waiting: Sequence[ReadingTask],
    principal: Principal,
    named_readers: Sequence[int | None] = (),
) -> int:
    """Assign each task in turn, counting each new assignment in the next one's workloads.

    The readers are locked once and every task's needs read in a few queries for the whole
    list; the assignments are written together at the end. `named_readers`, when given, holds
    each task's rule-named radiologist.
    """
    if not waiting:
        return 0
    pool = candidates(session, settings, lock=True)
    sources = _needs_sources(session, waiting)
    assigned_at: dict[int, datetime] = {}
    changes: list[Change] = []
    for task, named_reader in zip(waiting, named_readers or [None] * len(waiting), strict=True):
        choice = choose(pool, sources.needs(task, named_reader))
        if choice is not None:
            at = assigned_at[choice.radiologist_id] = datetime.now(UTC)
            changes.append(_assign(task, choice, at))
            pool = _after_assignment(pool, task, choice, at)
            sources.note_assignment(task, choice.radiologist_id)
    record_histories(session, principal, changes)
    repository.mark_assigned_at(session, assigned_at)
    session.flush()
    return len(changes)


def explain(session: Session, settings: Settings, task_id: int) -> TaskEligibility:
    """Every radiologist, whether they may read the task, and why not."""
    task = tasks.get(session, task_id)
    if task is None:
        raise TaskNotFound(task_id)
    needs = _needs_sources(session, [task]).needs(task)
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


def _assign(task: ReadingTask, choice: Choice, at: datetime) -> Change:
    task.assignee_id = choice.radiologist_id
    task.assigned_at = at
    details = {"assignee_id": choice.radiologist_id, "why": list(choice.reasons)}
    return move(task, Action.ASSIGN, TaskState.ASSIGNED, details)


@dataclass(frozen=True, slots=True)
class _NeedsSources:
    """What a list of tasks' needs are drawn from, read for the whole list at once."""

    studies: dict[int, Study]
    primary_readers: dict[int, int | None]
    patient_readers: PatientReaders

    def needs(self, task: ReadingTask, named_reader: int | None = None) -> TaskNeeds:
        study = self.studies[task.study_id]
        primary = task.primary_task_id
        return TaskNeeds(
            subspecialty=task.subspecialty,
            priority=task.priority,
            institution=study.institution_name or "",
            excluded_reader=None if primary is None else self.primary_readers.get(primary),
            named_reader=named_reader,
            patient_readers=self.patient_readers.of(identity_of(study), study.id),
        )

    def note_assignment(self, task: ReadingTask, reader_id: int) -> None:
        """The patient's later tasks in the same pass see this reader, as one by one would."""
        study = self.studies[task.study_id]
        self.patient_readers.note(identity_of(study), study.id, reader_id)


def _needs_sources(session: Session, waiting: Sequence[ReadingTask]) -> _NeedsSources:
    studies = repository.studies(session, {task.study_id for task in waiting})
    patients = {study.patient_id for study in studies.values() if study.patient_id}
    primaries = {task.primary_task_id for task in waiting if task.primary_task_id is not None}
    return _NeedsSources(
        studies=studies,
        primary_readers=repository.primary_readers(session, primaries),
        patient_readers=PatientReaders(repository.readers_of_patients(session, patients)),
    )


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
