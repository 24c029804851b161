"""Trying a proposed rule set on recent studies before saving it: exactly what a save would do."""

import base64
import binascii
import json
from collections import Counter
from datetime import datetime, tzinfo

from sqlalchemy.orm import Session

from app.errors import Invalid
from app.routing.facts import WindowStudy, recent_stable_facts
from app.rules.dsl import RuleSet
from app.rules.engine import RouteDecision, route
from app.rules.schemas import (
    DryRunChange,
    DryRunRequest,
    DryRunResult,
    Placement,
    Route,
    StudyMoves,
)
from app.rules.service import current_rule_set, require_known_pools
from app.tasks.repository import UNCLAIMED_STATE_NAMES

Key = tuple[datetime, int]  # a study's place in the window, (stable_at, id): newest first
Move = tuple[tuple[str, str], tuple[str, str]]  # (pool, priority) now → proposed


def dry_run(session: Session, request: DryRunRequest, zone: tzinfo) -> DryRunResult:
    """Every study of the window the proposal would send to another pool or priority (a page of
    them, after `request.cursor`), and how many move from where to where over the whole window;
    studies' times of receipt on the clock of `zone`, the department's.
    """
    version, current = current_rule_set(session)
    require_known_pools(session, request)
    proposed: RuleSet = request
    after = _decode(request.cursor) if request.cursor else None
    window = recent_stable_facts(
        session,
        zone,
        last=request.last,
        stable_from=request.stable_from,
        stable_to=request.stable_to,
    )
    studies: Counter[Move] = Counter()
    tasks: Counter[Move] = Counter()
    page: list[tuple[Key, DryRunChange]] = []
    more = False
    for study in window:
        before, later = route(current, study.facts), route(proposed, study.facts)
        move = (_placement(before), _placement(later))
        if move[0] == move[1]:
            continue
        studies[move] += 1
        tasks[move] += study.task_state in UNCLAIMED_STATE_NAMES
        key = (study.stable_at, study.id)
        if after is None or key < after:
            more = more or len(page) == request.limit
            if len(page) < request.limit:
                page.append((key, _change(study, before, later)))
    return DryRunResult(
        studies=len(window),
        changed=studies.total(),
        changed_pool=sum(n for (old, new), n in studies.items() if old[0] != new[0]),
        changed_priority=sum(n for (old, new), n in studies.items() if old[1] != new[1]),
        current_version=version,
        moves=[
            StudyMoves(from_=_out(old), to=_out(new), studies=count, tasks=tasks[old, new])
            for (old, new), count in studies.most_common()
        ],
        changes=[change for _, change in page],
        next_cursor=_encode(page[-1][0]) if more else None,
    )


def _change(study: WindowStudy, before: RouteDecision, later: RouteDecision) -> DryRunChange:
    return DryRunChange(
        study_instance_uid=study.study_instance_uid,
        from_=_route(before),
        to=_route(later),
        rule=later.rule_id,
        task_id=study.task_id,
        task_state=study.task_state,
        task_moves=study.task_state in UNCLAIMED_STATE_NAMES,
    )


def _placement(decision: RouteDecision) -> tuple[str, str]:
    return decision.subspecialty, decision.priority


def _out(placement: tuple[str, str]) -> Placement:
    return Placement(subspecialty=placement[0], priority=placement[1])


def _route(decision: RouteDecision) -> Route:
    return Route(
        subspecialty=decision.subspecialty, priority=decision.priority, rule=decision.rule_id
    )


def _encode(key: Key) -> str:
    stable_at, study_id = key
    return base64.urlsafe_b64encode(json.dumps([stable_at.isoformat(), study_id]).encode()).decode()


def _decode(cursor: str) -> Key:
    try:
        stable_at, study_id = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        moment = datetime.fromisoformat(stable_at)
        if moment.tzinfo is None:
            raise ValueError("a moment without a UTC offset")
        return moment, int(study_id)
    except (binascii.Error, ValueError, TypeError) as error:
        raise Invalid("cursor: not one this dry run handed out") from error
