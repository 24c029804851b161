"""The second step at stability: apply the current rule set and place the study's reading task."""

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from app.auth.principal import Principal
from app.routing import repository
from app.routing.assigner import assign_all
from app.routing.facts import study_facts
from app.routing.sla import due_at, workload_weight
from app.rules.engine import RouteDecision, route
from app.rules.service import current_rule_set
from app.settings import Settings
from app.studies.models import Study
from app.tasks import repository as tasks
from app.tasks.detail import IMAGES_ADDED, IMAGES_ADDED_NOTE
from app.tasks.models import ReadingTask
from app.tasks.service import Change, record_histories, record_history_lines
from app.vocabulary import TaskKind, TaskState

ROUTER = Principal.system("routing")
# A task nobody has claimed yet: images added after routing may still send it elsewhere.
NOT_YET_CLAIMED = frozenset({TaskState.UNASSIGNED.value, TaskState.ASSIGNED.value})


def route_studies(session: Session, study_ids: Sequence[int], settings: Settings) -> None:
    """Create each study's primary task, or re-route it while it is still unassigned; assign them.

    The studies are routed in the order given, and assigned in that order too.
    """
    _route(session, study_ids, settings, frozenset({TaskState.UNASSIGNED.value}))


def route_changed_studies(session: Session, study_ids: Sequence[int], settings: Settings) -> None:
    """Images came after routing: re-route each study whose task nobody has claimed yet (an
    assigned task whose pool changes goes to a reader of the new pool); a claimed task keeps its
    reader, who finds "images added after routing" in its history."""
    primaries = repository.primary_tasks(session, study_ids)
    claimed = [task for task in primaries.values() if task.state not in NOT_YET_CLAIMED]
    record_histories(session, ROUTER, [_images_added(task) for task in claimed])
    for task in claimed:
        tasks.touch_tasks_of_study(session, task.study_id)
    _route(session, study_ids, settings, NOT_YET_CLAIMED)


def _route(
    session: Session, study_ids: Sequence[int], settings: Settings, routable_states: frozenset[str]
) -> None:
    """Route the studies without a primary task or with one in `routable_states`; assign those
    left unassigned."""
    studies = repository.studies_with_sequences(session, study_ids)
    primaries = repository.primary_tasks(session, study_ids)
    routable = [
        studies[study_id]
        for study_id in dict.fromkeys(study_ids)
        if study_id in studies
        and (study_id not in primaries or primaries[study_id].state in routable_states)
    ]
    if not routable:
        return
    version, rule_set = current_rule_set(session)
    decisions = [route(rule_set, study_facts(study, sequences)) for study, sequences in routable]
    in_order = [study for study, _ in routable]
    placed = _place(session, in_order, decisions, primaries, version, settings)
    waiting = [
        (task, _named(decision))
        for task, decision in zip(placed, decisions, strict=True)
        if task.state == TaskState.UNASSIGNED.value
    ]
    assign_all(session, settings, [task for task, _ in waiting], ROUTER, [n for _, n in waiting])


def reroute_unassigned(session: Session, settings: Settings) -> int:
    """After a new rule version: re-route every unassigned primary task (others stay put)."""
    waiting = repository.claim_unassigned_primaries(session)
    route_studies(session, [task.study_id for task in waiting], settings)
    return len(waiting)


def _images_added(task: ReadingTask) -> Change:
    return Change(task.id, IMAGES_ADDED, task.state, task.state, {"note": IMAGES_ADDED_NOTE})


def _place(
    session: Session,
    routable: list[Study],
    decisions: list[RouteDecision],
    primaries: dict[int, ReadingTask],
    version: int,
    settings: Settings,
) -> list[ReadingTask]:
    """Each study's task, as decided: re-routed if it had one, else new (inserted together)."""
    now = datetime.now(UTC)
    placed: list[ReadingTask] = []
    created: list[tuple[ReadingTask, RouteDecision]] = []
    rerouted: list[Change] = []
    for study, decision in zip(routable, decisions, strict=True):
        task = primaries.get(study.id)
        if task is None:
            task = _new_task(study, decision, version, settings, now)
            created.append((task, decision))
        else:
            rerouted.append(_reroute(task, decision, version, settings))
        placed.append(task)
    tasks.add_all(session, [task for task, _ in created])
    record_history_lines(
        session,
        ROUTER.actor,
        [
            Change(task.id, "create", None, task.state, _rule_of(version, decision))
            for task, decision in created
        ],
    )
    record_histories(session, ROUTER, rerouted)
    return placed


def _new_task(
    study: Study, decision: RouteDecision, version: int, settings: Settings, now: datetime
) -> ReadingTask:
    task = ReadingTask(
        study_id=study.id,
        kind=TaskKind.PRIMARY.value,
        state=TaskState.UNASSIGNED.value,
        workload_weight=workload_weight(study.modalities),
    )
    _apply(task, decision, version, settings, since=now)
    return task


def _reroute(
    task: ReadingTask, decision: RouteDecision, version: int, settings: Settings
) -> Change:
    before = {
        "subspecialty": task.subspecialty,
        "priority": task.priority,
        "rule_version": task.rule_version,
    }
    from_state = task.state
    _apply(task, decision, version, settings, since=task.created_at)
    if task.subspecialty != before["subspecialty"]:
        _unassign(task)  # its reader may not read the new pool: assigned afresh
    task.version += 1
    details = {"before": before} | _rule_of(version, decision)
    return Change(task.id, "reroute", from_state, task.state, details)


def _unassign(task: ReadingTask) -> None:
    task.state = TaskState.UNASSIGNED.value
    task.assignee_id = None
    task.assigned_at = None


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


def _rule_of(version: int, decision: RouteDecision) -> dict[str, Any]:
    return {"rule_version": version, "rule": decision.rule_id}
