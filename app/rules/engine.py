"""Routing: apply an ordered rule set to the facts of one stable study."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.rules.dsl import WEEKDAYS, Condition, Rule, RuleSet, TimeWindow


@dataclass(frozen=True, slots=True)
class StudyFacts:
    """Everything a rule may test about a study, already classified."""

    modalities: frozenset[str]
    region: str
    sequences: frozenset[str] = frozenset()
    categories: frozenset[str] = frozenset()
    text: str = ""
    urgency: str = "ROUTINE"
    source_ae: str = ""
    institution: str = ""
    received_at: datetime | None = None


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


class NoDefaultRule(ValueError):
    """A rule set built without validation has no rule that matches this study."""


def route(rule_set: RuleSet, facts: StudyFacts) -> RouteDecision:
    """The decision of the first enabled rule whose condition holds."""
    for rule in rule_set.rules:
        if rule.enabled and (rule.when is None or holds(rule.when, facts)):
            return _decide(rule, facts)
    raise NoDefaultRule("the rule set has no enabled default rule")


def holds(condition: Condition, facts: StudyFacts) -> bool:
    """Whether one condition node is true for the study."""
    return _TESTS[condition.fact](getattr(condition, condition.fact), facts)


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


def _decide(rule: Rule, facts: StudyFacts) -> RouteDecision:
    action = rule.then
    matched = describe(rule.when) if rule.when is not None else "default rule"
    reasons = [f"rule '{rule.id}' matched: {matched}", f"subspecialty {action.subspecialty}"]
    priority = action.priority or facts.urgency
    if action.priority is not None:
        reasons.append(f"priority set to {action.priority} by the rule")
    return RouteDecision(
        rule_id=rule.id,
        subspecialty=action.subspecialty,
        priority=priority,
        second_opinion_required=action.second_opinion_required,
        second_opinion_subspecialty=action.second_opinion_subspecialty,
        radiologist_id=action.radiologist_id,
        reasons=tuple(reasons),
    )


def _in_window(window: TimeWindow, facts: StudyFacts) -> bool:
    return facts.received_at is not None and window.contains(facts.received_at.time())


def _on_weekday(days: list[str], facts: StudyFacts) -> bool:
    return facts.received_at is not None and WEEKDAYS[facts.received_at.weekday()] in days


_TESTS: dict[str, Callable[[Any, StudyFacts], bool]] = {
    "all": lambda children, facts: all(holds(child, facts) for child in children),
    "any": lambda children, facts: any(holds(child, facts) for child in children),
    "not_": lambda child, facts: not holds(child, facts),
    "modality": lambda values, facts: not facts.modalities.isdisjoint(values),
    "region": lambda values, facts: facts.region in values,
    "sequences_present": lambda values, facts: facts.sequences.issuperset(values),
    "sequences_absent": lambda values, facts: facts.sequences.isdisjoint(values),
    "categories_any": lambda values, facts: not facts.categories.isdisjoint(values),
    "categories_all": lambda values, facts: facts.categories.issuperset(values),
    "keywords": lambda values, facts: any(word in facts.text for word in values),
    "urgency": lambda values, facts: facts.urgency in values,
    "source_ae": lambda values, facts: facts.source_ae in values,
    "institution": lambda values, facts: facts.institution.casefold()
    in {value.casefold() for value in values},
    "time_between": _in_window,
    "weekday": _on_weekday,
}
