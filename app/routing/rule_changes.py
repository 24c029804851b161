"""Saving or restoring a rule set re-routes the tasks nobody has taken yet."""

from sqlalchemy.orm import Session

from app.principal import Principal
from app.routing.route import reroute_unassigned
from app.rules import service
from app.rules.dsl import RuleSet
from app.rules.models import RuleSetVersion
from app.settings import Settings


def save_rules(
    session: Session, principal: Principal, settings: Settings, rule_set: RuleSet, comment: str
) -> RuleSetVersion:
    version = service.save(session, principal, rule_set, comment)
    reroute_unassigned(session, settings)
    return version


def restore_rules(
    session: Session, principal: Principal, settings: Settings, old: int
) -> RuleSetVersion:
    version = service.restore(session, principal, old)
    reroute_unassigned(session, settings)
    return version
