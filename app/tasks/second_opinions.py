"""Finalizing a read, and the second-opinion over-reads a final read may call for."""

from datetime import UTC, datetime

from sqlalchemy.orm import Session

from app.errors import Conflict, Invalid, NotFound
from app.people.models import Subspecialty
from app.principal import Principal
from app.settings import Settings
from app.studies.queries import study_by_uid
from app.tasks import repository
from app.tasks.models import ReadingTask
from app.tasks.reports import ReportText
from app.tasks.service import (
    begin,
    check_assignable,
    finish,
    record_history,
    write_report,
)
from app.tasks.service_levels import due_at
from app.tasks.state_machine import Action
from app.vocabulary import Priority, Radpeer, ReportKind, TaskKind, TaskState

# Discrepancies that are likely clinically significant, or major: a person looks at each.
NEEDS_REVIEW = frozenset({Radpeer.MINOR_LIKELY_SIGNIFICANT, Radpeer.MAJOR_UNLIKELY_SIGNIFICANT,
                          Radpeer.MAJOR_LIKELY_SIGNIFICANT})  # fmt: skip
RULE_ACTOR = Principal.system("second-opinion-rule")


def finalize(
    session: Session,
    principal: Principal,
    settings: Settings,
    task_id: int,
    version: int | None,
    text: ReportText,
    radpeer: Radpeer | None = None,
    radpeer_comment: str | None = None,
) -> ReadingTask:
    """Sign the final report; a second opinion also scores the primary read on RADPEER."""
    task, target = begin(session, principal, task_id, Action.FINALIZE, version)
    details = _score(task, radpeer, radpeer_comment)
    write_report(session, task, ReportKind.FINAL, text)
    task.finalized_at = datetime.now(UTC)
    task.lease_expires_at = None
    finish(session, principal, task, Action.FINALIZE, target, details)
    if task.second_opinion_subspecialty and not repository.linked_tasks(session, task):
        create_second_opinion(session, RULE_ACTOR, settings, task, task.second_opinion_subspecialty)
    return task


def needs_review(radpeer: str | None) -> bool:
    return radpeer is not None and Radpeer(radpeer) in NEEDS_REVIEW


def _score(
    task: ReadingTask, radpeer: Radpeer | None, comment: str | None
) -> dict[str, str | bool]:
    if task.kind != TaskKind.SECOND_OPINION.value:
        if radpeer is not None:
            raise Invalid("only a second opinion carries a RADPEER score")
        return {}
    if radpeer is None:
        raise Invalid("a second opinion is finalized with a RADPEER score (1, 2a, 2b, 3a, 3b)")
    task.radpeer = radpeer.value
    task.radpeer_comment = comment
    return {"radpeer": radpeer.value, "review": needs_review(radpeer.value)}


def request_second_opinion(
    session: Session,
    principal: Principal,
    settings: Settings,
    study_instance_uid: str,
    subspecialty: str,
    radiologist_id: int | None = None,
) -> ReadingTask:
    """An over-read of the study's final primary read, by someone other than its reader; one
    per pool at a time (a request sent twice, or a double click, makes one)."""
    study = study_by_uid(session, study_instance_uid)
    if study is None:
        raise NotFound(f"no study {study_instance_uid}")
    # Locked: requests for one study take turns, each seeing the over-reads made before it.
    primary = repository.primary_task_of_study(session, study.id)
    if primary is None or primary.state not in (TaskState.FINAL.value, TaskState.ADDENDED.value):
        raise Conflict("the study has no final primary read to give a second opinion on")
    if session.get(Subspecialty, subspecialty) is None:
        raise Invalid(f"no subspecialty {subspecialty}")
    already = repository.open_second_opinion(session, primary.id, subspecialty)
    if already is not None:
        raise Conflict(f"a second opinion by {subspecialty} is open already: task {already.id}")
    return create_second_opinion(
        session, principal, settings, primary, subspecialty, radiologist_id
    )


def create_second_opinion(
    session: Session,
    principal: Principal,
    settings: Settings,
    primary: ReadingTask,
    subspecialty: str,
    radiologist_id: int | None = None,
) -> ReadingTask:
    task = ReadingTask(
        study_id=primary.study_id,
        kind=TaskKind.SECOND_OPINION.value,
        primary_task_id=primary.id,
        state=TaskState.UNASSIGNED.value,
        subspecialty=subspecialty,
        priority=Priority.ROUTINE.value,
        due_at=due_at(settings, Priority.ROUTINE.value, datetime.now(UTC), second_opinion=True),
    )
    if radiologist_id is not None:
        check_assignable(session, task, radiologist_id)
        task.state, task.assignee_id = TaskState.ASSIGNED.value, radiologist_id
        task.assigned_at = datetime.now(UTC)
    repository.add(session, task)
    details = {"primary_task_id": primary.id, "subspecialty": subspecialty}
    record_history(session, principal, task, "create_second_opinion", None, details)
    return task
