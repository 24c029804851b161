"""Rule set versions: the current one, saving, restoring, listing and diffing."""

from collections.abc import Sequence
from datetime import datetime
from threading import Lock
from typing import Any

from sqlalchemy.orm import Session

from app.audit.events import AuditAction
from app.audit.service import record
from app.people.repository import missing_subspecialties
from app.principal import Principal
from app.rules import repository
from app.rules.dsl import RuleSet, load_default_rules
from app.rules.errors import RuleSetInvalid, RuleSetStale, RuleSetVersionNotFound
from app.rules.models import RuleSetVersion
from app.rules.schemas import ChangedRule, RuleSetDiff

SHIPPED_AUTHOR = "system:default-rules"
SHIPPED_COMMENT = "the rule set shipped with the service"
_PARSED_KEPT = 16
_PARSED_LOCK = Lock()
_PARSED: dict[tuple[int, datetime], RuleSet] = {}


def current_version(session: Session) -> RuleSetVersion:
    """The newest version; the shipped default becomes version 1 on first use."""
    row = repository.latest(session)
    if row is None:
        repository.add_first(
            session, load_default_rules().to_json(), SHIPPED_AUTHOR, SHIPPED_COMMENT
        )
        row = get_version(session, 1)
    return row


def current_rule_set(session: Session) -> tuple[int, RuleSet]:
    """The newest version's number and its parsed rule set, read only when not yet parsed."""
    key = repository.latest_key(session)
    cached = _PARSED.get(key) if key is not None else None
    if key is not None and cached is not None:
        return key[0], cached
    row = current_version(session)
    return row.version, parsed(row)


def parsed(row: RuleSetVersion) -> RuleSet:
    """Versions never change, so a parsed (and compiled) rule set is kept per stored row."""
    key = (row.version, row.created_at)
    with _PARSED_LOCK:
        rule_set = _PARSED.get(key)
        if rule_set is None:
            if len(_PARSED) >= _PARSED_KEPT:
                _PARSED.pop(next(iter(_PARSED)))
            rule_set = _PARSED[key] = RuleSet.model_validate(stored_rule_set(row))
        return rule_set


def rule_set_of(session: Session, version: int) -> RuleSet:
    """The parsed rule set of one stored version."""
    return parsed(get_version(session, version))


def stored_rule_set(row: RuleSetVersion) -> dict[str, Any]:
    """A stored version as rule set JSON; a version saved before acuity existed gets the shipped
    acuity table."""
    acuity = row.acuity if row.acuity is not None else load_default_rules().to_json()["acuity"]
    return {"rules": row.rules, "acuity": acuity}


def get_version(session: Session, version: int) -> RuleSetVersion:
    row = repository.get(session, version)
    if row is None:
        raise RuleSetVersionNotFound(version)
    return row


def list_versions(session: Session) -> Sequence[RuleSetVersion]:
    current_version(session)
    return repository.list_all(session)


def save(
    session: Session,
    principal: Principal,
    rule_set: RuleSet,
    comment: str,
    base: int | None = None,
    **details: Any,
) -> RuleSetVersion:
    """Store `rule_set` as the next version, once every pool it names exists.

    With `base`, only while version `base` is still the current one: else RuleSetStale.
    """
    require_known_pools(session, rule_set)
    repository.lock_versions(session)
    current = current_version(session)
    if base is not None and base != current.version:
        raise RuleSetStale(base, current, _changes_since(session, base, current.version))
    version = repository.add_next(session, rule_set.to_json(), principal.actor, comment)
    record(
        session,
        principal,
        AuditAction.SECURITY_ALERT,
        object_type="rule_set",
        object_id=version.version,
        details={"event": "rule set saved", "comment": comment, **details},
    )
    return version


def restore(
    session: Session, principal: Principal, old: int, base: int | None = None
) -> RuleSetVersion:
    """Roll back by saving a copy of version `old` as the next version (while `base` is current,
    when it is named)."""
    source = get_version(session, old)
    rule_set = RuleSet.model_validate(stored_rule_set(source))
    return save(session, principal, rule_set, f"restore of version {old}", base, restored_from=old)


def diff(session: Session, old: int, new: int) -> RuleSetDiff:
    before = {rule["id"]: rule for rule in get_version(session, old).rules}
    after = {rule["id"]: rule for rule in get_version(session, new).rules}
    kept = [rule_id for rule_id in after if rule_id in before]
    return RuleSetDiff(
        from_version=old,
        to_version=new,
        added=[rule_id for rule_id in after if rule_id not in before],
        removed=[rule_id for rule_id in before if rule_id not in after],
        changed=[
            ChangedRule(id=rule_id, before=before[rule_id], after=after[rule_id])
            for rule_id in kept
            if before[rule_id] != after[rule_id]
        ],
        order_changed=kept != [rule_id for rule_id in before if rule_id in after],
    )


def _changes_since(session: Session, base: int, current: int) -> RuleSetDiff | None:
    """What changed from `base` to the current version; None for a version never saved."""
    if base > current or repository.get(session, base) is None:
        return None
    return diff(session, base, current)


def require_known_pools(session: Session, rule_set: RuleSet) -> None:
    """Every subspecialty a rule sends studies to must exist; errors name the exact field."""
    places: list[tuple[int, str, str]] = []
    for index, rule in enumerate(rule_set.rules):
        places.append((index, "subspecialty", rule.then.subspecialty))
        if rule.then.second_opinion_subspecialty:
            places.append(
                (index, "second_opinion_subspecialty", rule.then.second_opinion_subspecialty)
            )
    missing = set(missing_subspecialties(session, {code for _, _, code in places}))
    errors = [
        {"loc": ["body", "rules", index, "then", field], "msg": f"unknown subspecialty '{code}'"}
        for index, field, code in places
        if code in missing
    ]
    if errors:
        raise RuleSetInvalid(errors)
