"""Saving or restoring a rule set re-routes the tasks nobody has started yet."""

from collections import Counter

from sqlalchemy.orm import Session

from app.principal import Principal
from app.routing.route import Move, reroute_unclaimed
from app.rules import service
from app.rules.dsl import RuleSet
from app.rules.models import RuleSetVersion
from app.rules.schemas import Placement, Rerouted, RuleSetSaved, RuleSetVersionOut, TaskMoves
from app.settings import Settings


def save_rules(
    session: Session,
    principal: Principal,
    settings: Settings,
    rule_set: RuleSet,
    comment: str,
    base: int | None,
) -> RuleSetSaved:
    """The next version, if `base` is still current; every unstarted task it moves, moved."""
    version = service.save(session, principal, rule_set, comment, base)
    return _saved(version, reroute_unclaimed(session, settings))


def restore_rules(
    session: Session, principal: Principal, settings: Settings, old: int, base: int | None = None
) -> RuleSetSaved:
    version = service.restore(session, principal, old, base)
    return _saved(version, reroute_unclaimed(session, settings))


def _saved(version: RuleSetVersion, moves: Counter[Move]) -> RuleSetSaved:
    counted = [
        TaskMoves(from_=_placement(move.from_), to=_placement(move.to), tasks=count)
        for move, count in sorted(moves.items())
    ]
    rerouted = Rerouted(tasks=moves.total(), moves=counted)
    return RuleSetSaved(**RuleSetVersionOut.model_validate(version).model_dump(), rerouted=rerouted)


def _placement(pool_and_priority: tuple[str, str]) -> Placement:
    subspecialty, priority = pool_and_priority
    return Placement(subspecialty=subspecialty, priority=priority)
