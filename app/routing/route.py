"""The second step at stability: apply the current rule set and place the study's reading task."""

from datetime import UTC, datetime

from sqlalchemy.orm import Session

from app.auth.principal import Principal
from app.routing import repository
from app.routing.assigner import assign_one
from app.routing.facts import study_facts
from app.routing.history import record_task_change
from app.routing.sla import due_at, workload_weight
from app.rules.engine import RouteDecision, route
from app.rules.service import current_rule_set
from app.settings import Settings
from app.studies.models import Study
from app.tasks import repository as tasks
from app.tasks.models import ReadingTask
from app.vocabulary import TaskKind, TaskState

ROUTER = Principal.system("routing")


def route_study(session: Session, study_id: int, settings: Settings) -> None:
    """Create the primary task, or re-route it while it is still unassigned; then assign it."""
    study = repository.get_study(session, study_id)
    task = repository.primary_task(session, study_id)
    if study is None or (task is not None and task.state != TaskState.UNASSIGNED.value):
        return
    version, rule_set = current_rule_set(session)
    decision = route(rule_set, study_facts(study, repository.sequences_of(session, study_id)))
    if task is None:
        task = _create(session, study, decision, version, settings)
    else:
        _reroute(session, task, decision, version, settings)
    assign_one(session, settings, task, ROUTER, named_reader=_named(decision))


def reroute_unassigned(session: Session, settings: Settings) -> int:
    """After a new rule version: re-route every unassigned primary task (others stay put)."""
    waiting = repository.claim_unassigned_primaries(session)
    for task in waiting:
        route_study(session, task.study_id, settings)
    return len(waiting)


def _create(
    session: Session, study: Study, decision: RouteDecision, version: int, settings: Settings
) -> ReadingTask:
    task = ReadingTask(
        study_id=study.id,
        kind=TaskKind.PRIMARY.value,
        state=TaskState.UNASSIGNED.value,
        workload_weight=workload_weight(study.modalities),
    )
    _apply(task, decision, version, settings, since=datetime.now(UTC))
    tasks.add(session, task)
    tasks.add_event(
        session,
        task,
        action="create",
        from_state=None,
        actor=ROUTER.actor,
        details={"rule_version": version, "rule": decision.rule_id},
    )
    return task


def _reroute(
    session: Session, task: ReadingTask, decision: RouteDecision, version: int, settings: Settings
) -> None:
    before = {
        "subspecialty": task.subspecialty,
        "priority": task.priority,
        "rule_version": task.rule_version,
    }
    _apply(task, decision, version, settings, since=task.created_at)
    task.version += 1
    session.flush()
    details = {"before": before, "rule_version": version, "rule": decision.rule_id}
    record_task_change(
        session,
        task,
        ROUTER,
        action="reroute",
        from_state=task.state,
        event="re-routed",
        details=details,
    )


def _apply(
    task: ReadingTask, decision: RouteDecision, version: int, settings: Settings, since: datetime
) -> None:
    task.subspecialty = decision.subspecialty
    task.priority = decision.priority
    task.due_at = due_at(settings, decision.priority, since)
    task.rule_version = version
    task.route_reasons = list(decision.reasons)
    task.second_opinion_subspecialty = (
        (decision.second_opinion_subspecialty or decision.subspecialty)
        if decision.second_opinion_required
        else None
    )
    task.overdue = False
    task.escalation_level = 0


def _named(decision: RouteDecision) -> int | None:
    """A rule may name its radiologist by id (a number, or a string of digits)."""
    named = decision.radiologist_id
    if isinstance(named, str):
        return int(named) if named.isdigit() else None
    return named
