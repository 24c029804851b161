"""Routing: apply an ordered rule set to the facts of one stable study.

A rule set is compiled once into plain closures over frozensets (cached on the immutable
rule set), so routing a study costs a few set look-ups per rule.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from app.rules.acuity import with_clinical_acuity
from app.rules.classified_study import ClassifiedStudy
from app.rules.dsl import Condition, Rule, RuleSet
from app.time_windows import WEEKDAYS, TimeWindow


@dataclass(frozen=True, slots=True)
class RouteDecision:
    """Where the study goes and which rule sent it there."""

    rule_id: str
    subspecialty: str
    priority: str
    second_opinion_required: bool
    second_opinion_subspecialty: str | None
    radiologist_id: int | str | None
    reasons: tuple[str, ...]
    # An outside request's promise ("24h"): its due time replaces the priority's.
    service_level: str | None = None


class NoDefaultRule(ValueError):
    """A rule set built without validation has no rule that matches this study."""


Test = Callable[[ClassifiedStudy], bool]
FACT_WORDS: dict[str, str] = {
    "modality": "modality is one of",
    "region": "region is one of",
    "sequences_present": "series include all of",
    "sequences_absent": "series include none of",
    "categories_any": "question categories include any of",
    "categories_all": "question categories include all of",
    "keywords": "text mentions any of",
    "urgency": "urgency is one of",
    "source_ae": "source AE title is one of",
    "institution": "institution is one of",
    "weekday": "received on",
}
PLAN_KEY = "engine.plan"


def route(rule_set: RuleSet, facts: ClassifiedStudy) -> RouteDecision:
    """The decision of the first enabled rule whose condition holds."""
    facts, acuity_reason = with_clinical_acuity(rule_set, facts)
    for rule, test, explanation in rule_set.memo(PLAN_KEY, lambda: _plan(rule_set)):
        if test is None or test(facts):
            decision = _decide(rule, explanation, facts)
            if acuity_reason:
                return replace(decision, reasons=(*decision.reasons, acuity_reason))
            return decision
    raise NoDefaultRule("the rule set has no enabled default rule")


def holds(condition: Condition, facts: ClassifiedStudy) -> bool:
    """Whether one condition node is true for the study."""
    return compile_condition(condition)(facts)


def describe(condition: Condition) -> str:
    """The condition in words, for the reasons stored on a task."""
    value = getattr(condition, condition.fact)
    if condition.fact in ("all", "any"):
        joiner = " and " if condition.fact == "all" else " or "
        return "(" + joiner.join(describe(child) for child in value) + ")"
    if condition.fact == "not_":
        return f"not {describe(value)}"
    if isinstance(value, TimeWindow):
        return f"received between {value.start:%H:%M} and {value.end:%H:%M}"
    return f"{FACT_WORDS[condition.fact]} {', '.join(str(item) for item in value)}"


def compile_condition(condition: Condition) -> Test:
    """A closure that evaluates the condition tree against study facts."""
    fact, value = condition.fact, getattr(condition, condition.fact)
    if fact in ("all", "any"):
        children = tuple(compile_condition(child) for child in value)
        if fact == "all":
            return lambda facts: all(child(facts) for child in children)
        return lambda facts: any(child(facts) for child in children)
    if fact == "not_":
        inner = compile_condition(value)
        return lambda facts: not inner(facts)
    if isinstance(value, TimeWindow):
        return lambda facts: (
            facts.received_at is not None and value.contains(facts.received_at.time())
        )
    return _LEAF_TESTS[fact](frozenset(value))


def _plan(rule_set: RuleSet) -> tuple[tuple[Rule, Test | None, str], ...]:
    return tuple(
        (rule, None, "default rule")
        if rule.when is None
        else (rule, compile_condition(rule.when), describe(rule.when))
        for rule in rule_set.rules
        if rule.enabled
    )


def _decide(rule: Rule, explanation: str, facts: ClassifiedStudy) -> RouteDecision:
    action = rule.then
    reasons = [f"rule '{rule.id}' matched: {explanation}", f"subspecialty {action.subspecialty}"]
    if action.priority is not None:
        reasons.append(f"priority set to {action.priority} by the rule")
    return RouteDecision(
        rule_id=rule.id,
        subspecialty=action.subspecialty,
        priority=action.priority or facts.urgency,
        second_opinion_required=action.second_opinion_required,
        second_opinion_subspecialty=action.second_opinion_subspecialty,
        radiologist_id=action.radiologist_id,
        reasons=tuple(reasons),
    )


def _weekday(values: frozenset[Any]) -> Test:
    return lambda facts: (
        facts.received_at is not None and WEEKDAYS[facts.received_at.weekday()] in values
    )


def _keywords(values: frozenset[Any]) -> Test:
    """Keywords match at the start of a word: "hip" finds "hip pain", not "whiplash"."""
    pattern = re.compile(r"\b(?:" + "|".join(re.escape(value) for value in sorted(values)) + ")")
    return lambda facts: pattern.search(facts.text) is not None


def _institution(values: frozenset[Any]) -> Test:
    folded = frozenset(value.casefold() for value in values)
    return lambda facts: facts.institution.casefold() in folded


_LEAF_TESTS: dict[str, Callable[[frozenset[Any]], Test]] = {
    "modality": lambda values: lambda facts: not values.isdisjoint(facts.modalities),
    "region": lambda values: lambda facts: facts.region in values,
    "sequences_present": lambda values: lambda facts: values <= facts.sequences,
    "sequences_absent": lambda values: lambda facts: values.isdisjoint(facts.sequences),
    "categories_any": lambda values: lambda facts: not values.isdisjoint(facts.categories),
    "categories_all": lambda values: lambda facts: values <= facts.categories,
    "keywords": _keywords,
    "urgency": lambda values: lambda facts: facts.urgency in values,
    "source_ae": lambda values: lambda facts: facts.source_ae in values,
    "institution": _institution,
    "weekday": _weekday,
}
