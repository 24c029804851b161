"""The second step at stability: apply the current rule set and place the study's reading task."""

from collections import Counter
from collections.abc import Collection, Sequence
from datetime import UTC, datetime
from typing import Any, NamedTuple

from sqlalchemy.orm import Session

from app.principal import Principal
from app.routing import repository
from app.routing.assigner import assign_all
from app.routing.facts import study_facts
from app.routing.requested import as_requested, open_requests
from app.routing.workload import workload_weight
from app.rules.classified_study import ClassifiedStudy
from app.rules.engine import RouteDecision, route
from app.rules.service import current_rule_set, rule_set_of
from app.second_opinions.models import SecondOpinionRequest
from app.settings import Settings
from app.studies.models import Study
from app.tasks import repository as tasks
from app.tasks.detail import IMAGES_ADDED, IMAGES_ADDED_NOTE
from app.tasks.models import ReadingTask
from app.tasks.repository import UNCLAIMED_STATE_NAMES
from app.tasks.service import Change, record_histories, record_history_lines
from app.tasks.service_levels import due_at
from app.vocabulary import TaskKind, TaskState

ROUTER = Principal.system("routing")
PoolAndPriority = tuple[str, str]  # (subspecialty, priority)


class Move(NamedTuple):
    from_: PoolAndPriority
    to: PoolAndPriority


def route_studies(session: Session, study_ids: Sequence[int], settings: Settings) -> None:
    """Create each study's primary task, or route it again while nobody has claimed it; assign
    those left waiting.

    An assigned task the rules leave in its pool and priority keeps its reader. The studies are
    routed in the order given, and assigned in that order too.
    """
    studies = repository.studies_with_sequences(session, study_ids)
    primaries = repository.primary_tasks(session, study_ids)
    routable = [
        studies[study_id]
        for study_id in dict.fromkeys(study_ids)
        if study_id in studies and _still_routable(primaries.get(study_id))
    ]
    if not routable:
        return
    version, rule_set = current_rule_set(session)
    requested = open_requests(session, [study.id for study, _ in routable])
    zone = settings.zone
    decisions = [
        as_requested(route(rule_set, study_facts(study, sequences, zone)), requested.get(study.id))
        for study, sequences in routable
    ]
    in_order = [study for study, _ in routable]
    placed = _place(session, in_order, decisions, primaries, version, settings)
    waiting = [
        (task, _named(decision))
        for task, decision in zip(placed, decisions, strict=True)
        if task.state == TaskState.UNASSIGNED.value
    ]
    assign_all(session, settings, [task for task, _ in waiting], ROUTER, [n for _, n in waiting])


def route_changed_studies(session: Session, study_ids: Sequence[int], settings: Settings) -> None:
    """Images came after routing: route each study again while nobody has claimed its task; a
    claimed task keeps its reader, who finds "images added after routing" in its history."""
    primaries = repository.primary_tasks(session, study_ids)
    claimed = [task for task in primaries.values() if not _still_routable(task)]
    record_histories(session, ROUTER, [_images_added(task) for task in claimed])
    for task in claimed:
        tasks.touch_tasks_of_study(session, task.study_id)
    route_studies(session, study_ids, settings)


def _images_added(task: ReadingTask) -> Change:
    return Change(task.id, IMAGES_ADDED, task.state, task.state, {"note": IMAGES_ADDED_NOTE})


def reroute_unclaimed(
    session: Session, settings: Settings, task_ids: Collection[int] | None = None
) -> Counter[Move]:
    """Route again, by the current rules, every primary task nobody has started (of `task_ids`
    when given) whose pool or priority they change; reassign it when its pool changed.

    A task is compared with what the version that routed it decided, so an escalation or a
    hand-made change is left alone unless the rules themselves move the study. Returns how many
    tasks moved from each (pool, priority) to each other.
    """
    version, current = current_rule_set(session)
    waiting = repository.claim_unclaimed_primaries(session, version, task_ids)
    if not waiting:
        return Counter()
    studies = repository.studies_with_sequences(session, {task.study_id for task in waiting})
    requested = open_requests(session, list(studies))
    moves: Counter[Move] = Counter()
    changes: list[Change] = []
    to_assign: list[tuple[ReadingTask, RouteDecision]] = []
    for task in waiting:
        facts = study_facts(*studies[task.study_id], settings.zone)
        request = requested.get(task.study_id)
        decision = as_requested(route(current, facts), request)
        if _routed_as(session, task, facts, request) == _placement(decision):
            continue
        moves[Move(_placed_as(task), _placement(decision))] += 1
        changes.append(_reroute(task, decision, version, settings))
        if task.state == TaskState.UNASSIGNED.value:
            to_assign.append((task, decision))
    record_histories(session, ROUTER, changes)
    assign_all(
        session,
        settings,
        [task for task, _ in to_assign],
        ROUTER,
        [_named(decision) for _, decision in to_assign],
    )
    return moves


def _routed_as(
    session: Session,
    task: ReadingTask,
    facts: ClassifiedStudy,
    request: SecondOpinionRequest | None,
) -> PoolAndPriority:
    """Where the version that routed the task sends the study today."""
    assert task.rule_version is not None  # only tasks routed by rules are routed again
    return _placement(as_requested(route(rule_set_of(session, task.rule_version), facts), request))


def _placement(decision: RouteDecision) -> PoolAndPriority:
    return decision.subspecialty, decision.priority


def _placed_as(task: ReadingTask) -> PoolAndPriority:
    return task.subspecialty, task.priority


def _still_routable(task: ReadingTask | None) -> bool:
    """No task yet, or one nobody has claimed: the rules may still send it elsewhere."""
    return task is None or task.state in UNCLAIMED_STATE_NAMES


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
        elif task.state == TaskState.UNASSIGNED.value or _placed_as(task) != _placement(decision):
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
    """Place the task as decided; an assigned task whose pool changes goes back to the queue."""
    from_state = task.state
    before = {
        "subspecialty": task.subspecialty,
        "priority": task.priority,
        "rule_version": task.rule_version,
        "assignee_id": task.assignee_id,
    }
    if task.subspecialty != decision.subspecialty and task.state == TaskState.ASSIGNED.value:
        task.state = TaskState.UNASSIGNED.value
        task.assignee_id = None
        task.assigned_at = None
    _apply(task, decision, version, settings, since=task.created_at)
    task.version += 1
    details = {"before": before} | _rule_of(version, decision)
    return Change(task.id, "reroute", from_state, task.state, details)


def _apply(
    task: ReadingTask, decision: RouteDecision, version: int, settings: Settings, since: datetime
) -> None:
    task.subspecialty = decision.subspecialty
    task.priority = decision.priority
    task.due_at = due_at(settings, decision.priority, since, service_level=decision.service_level)
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
