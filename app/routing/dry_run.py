"""Trying a proposed rule set on recent studies before saving it."""

from sqlalchemy.orm import Session

from app.routing.facts import recent_stable_facts
from app.rules.dsl import RuleSet
from app.rules.engine import RouteDecision, route
from app.rules.schemas import DryRunRequest, DryRunResult, DryRunSample, Route
from app.rules.service import current_rule_set, require_known_pools

SAMPLES_KEPT = 50


def dry_run(session: Session, request: DryRunRequest) -> DryRunResult:
    """How many of the chosen studies the proposal would send to another pool or priority."""
    version, current = current_rule_set(session)
    require_known_pools(session, request)
    proposed: RuleSet = request
    studies = recent_stable_facts(
        session, last=request.last, stable_from=request.stable_from, stable_to=request.stable_to
    )
    changed_pool = changed_priority = 0
    samples: list[DryRunSample] = []
    changed = 0
    for uid, facts in studies:
        before, after = route(current, facts), route(proposed, facts)
        pool_moved = before.subspecialty != after.subspecialty
        priority_moved = before.priority != after.priority
        if not (pool_moved or priority_moved):
            continue
        changed += 1
        changed_pool += pool_moved
        changed_priority += priority_moved
        if len(samples) < SAMPLES_KEPT:
            samples.append(
                DryRunSample(
                    study_instance_uid=uid,
                    from_=_route(before),
                    to=_route(after),
                    rule=after.rule_id,
                )
            )
    return DryRunResult(
        studies=len(studies),
        changed=changed,
        changed_pool=changed_pool,
        changed_priority=changed_priority,
        current_version=version,
        samples=samples,
    )


def _route(decision: RouteDecision) -> Route:
    return Route(
        subspecialty=decision.subspecialty, priority=decision.priority, rule=decision.rule_id
    )
