"""Keyword-argument factories for rule tests."""

from typing import Any

from app.rules.classified_study import ClassifiedStudy
from app.rules.dsl import RuleSet

DEFAULT_RULE: dict[str, Any] = {"id": "default", "then": {"subspecialty": "GENERAL"}}


def make_rule(
    rule_id: str, when: dict[str, Any] | None, subspecialty: str = "NEURO", **fields: Any
) -> dict[str, Any]:
    rule: dict[str, Any] = {"id": rule_id, "then": {"subspecialty": subspecialty}, **fields}
    if when is not None:
        rule["when"] = when
    return rule


def make_rule_set(*rules: dict[str, Any]) -> RuleSet:
    """The given rules followed by an unconditional GENERAL default."""
    return RuleSet.model_validate({"rules": [*rules, DEFAULT_RULE]})


def make_facts(**fields: Any) -> ClassifiedStudy:
    defaults: dict[str, Any] = {"modalities": frozenset({"MR"}), "region": "BRAIN"}
    return ClassifiedStudy(**{**defaults, **fields})
