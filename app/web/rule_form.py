"""The rule editor's form and a rule's JSON, each built from the other.

The form holds one rule as "all of these": each fact's chosen values are one condition, each
fact's excluded values one negated condition ("none of"), then its groups (nested all/any/not and
time windows, `condition_tree`). A condition the pickers cannot hold goes whole into the groups.
"""

from dataclasses import dataclass, field, replace
from typing import Any, get_args

from app.classification.vocabulary import Category, Region, Sequence, Urgency
from app.time_windows import WEEKDAYS
from app.web.condition_tree import (
    Location,
    Node,
    condition_json,
    node_of,
    nodes_from_fields,
    places,
)

# Facts picked from a closed list, and facts typed as comma-separated words.
PICKED: dict[str, tuple[str, ...]] = {
    "region": get_args(Region),
    "categories_any": get_args(Category),
    "sequences_present": get_args(Sequence),
    "urgency": get_args(Urgency),
    "weekday": WEEKDAYS,
}
TYPED = ("modality", "keywords", "source_ae", "institution")
FACTS = (*PICKED, *TYPED)
FACT_LABELS = {
    "region": "Body region",
    "categories_any": "Question categories (any of)",
    "sequences_present": "Series present (all of)",
    "urgency": "Urgency",
    "weekday": "Weekday received",
    "modality": "Modalities, comma-separated (MR, CT)",
    "keywords": "Words in the description or question, comma-separated",
    "source_ae": "Source AE titles, comma-separated",
    "institution": "Institutions, comma-separated",
    "sequences_absent": "Series absent (none of)",
    "categories_all": "Question categories (all of)",
}


@dataclass
class RuleForm:
    """What the editor's fields hold for one rule."""

    id: str = ""
    name: str = ""
    enabled: bool = True
    values: dict[str, list[str]] = field(default_factory=dict)
    excluded: dict[str, list[str]] = field(default_factory=dict)
    groups: list[Node] = field(default_factory=list)
    subspecialty: str = ""
    priority: str = ""
    second_opinion_pool: str = ""
    second_opinion: bool = False
    radiologist_id: str = ""


def form_from_fields(fields: dict[str, list[str]]) -> RuleForm:
    """The form as posted (every field a list of values, as a multi-valued form sends it)."""

    def one(name: str) -> str:
        return (fields.get(name) or [""])[0].strip()

    def listed(suffix: str) -> dict[str, list[str]]:
        found = {fact: _listed(fields.get(f"when.{fact}{suffix}", []), fact) for fact in FACTS}
        return {fact: values for fact, values in found.items() if values}

    return RuleForm(
        id=one("rule.id"), name=one("rule.name"), enabled=one("rule.enabled") == "on",
        values=listed(""), excluded=listed(".not"), groups=nodes_from_fields(fields),
        subspecialty=one("then.subspecialty"), priority=one("then.priority"),
        second_opinion=one("then.second_opinion_required") == "on",
        second_opinion_pool=one("then.second_opinion_subspecialty"),
        radiologist_id=one("then.radiologist_id"),
    )  # fmt: skip


def rule_of(form: RuleForm) -> dict[str, Any]:
    """The rule's JSON; the DSL then validates it and names any bad place."""
    then: dict[str, Any] = {"subspecialty": form.subspecialty}
    if form.priority:
        then["priority"] = form.priority
    if form.second_opinion:
        then["second_opinion_required"] = True
        if form.second_opinion_pool:
            then["second_opinion_subspecialty"] = form.second_opinion_pool
    if form.radiologist_id:
        then["radiologist_id"] = _number_or_text(form.radiologist_id)
    rule: dict[str, Any] = {"id": form.id, "name": form.name, "enabled": form.enabled}
    when = condition_of(form)
    if when is not None:
        rule["when"] = when
    return rule | {"then": then}


def condition_of(form: RuleForm) -> dict[str, Any] | None:
    """All of: each fact's values, each fact's excluded values negated, then the groups."""
    conditions = _conditions(form)
    if not conditions:
        return None
    return conditions[0] if len(conditions) == 1 else {"all": conditions}


def _conditions(form: RuleForm) -> list[dict[str, Any]]:
    values, excluded = form.values, form.excluded
    conditions: list[dict[str, Any]] = [{fact: values[fact]} for fact in FACTS if fact in values]
    conditions += [{"not": {fact: excluded[fact]}} for fact in FACTS if fact in excluded]
    return conditions + [condition_json(node) for node in form.groups]


def form_of(rule: dict[str, Any]) -> RuleForm:
    """The form for a stored rule: its flat conditions in the pickers where they fit exactly,
    otherwise its whole condition as groups."""
    when = rule.get("when")
    form = _picked(when) if when is not None else RuleForm()
    if form is None or condition_of(form) != when:
        form = RuleForm(groups=[node_of(when)] if when is not None else [])
    then = rule["then"]
    return replace(
        form, id=rule["id"], name=rule.get("name", ""), enabled=rule.get("enabled", True),
        subspecialty=then["subspecialty"],
        priority=then.get("priority") or "",
        second_opinion=bool(then.get("second_opinion_required")),
        second_opinion_pool=then.get("second_opinion_subspecialty") or "",
        radiologist_id=str(then.get("radiologist_id") or ""),
    )  # fmt: skip


def _picked(when: dict[str, Any]) -> RuleForm | None:
    """The pickers holding an all-of of single facts and negated single facts, else None."""
    form = RuleForm()
    for part in when.get("all", [when]):
        inner, kept = (part["not"], form.excluded) if "not" in part else (part, form.values)
        fact = next(iter(inner)) if len(inner) == 1 else ""
        if fact not in FACTS or fact in kept:
            return None
        kept[fact] = [str(value) for value in inner[fact]]
    return form


def field_of_error(location: Location, form: RuleForm) -> str:
    """The form field an error location of the form's rule points at (`when.all.1.region.0` →
    region, `when.all.2.any.0` → the first node of the form's first group)."""
    if location[:1] == ("when",):
        return _condition_field(location[1:], form)
    for part in location:
        if part in FACTS or part == "id":
            return str(part)
        if part in ("subspecialty", "priority", "radiologist_id", "second_opinion_subspecialty"):
            return f"then.{part}"
    return ""


def _condition_field(location: Location, form: RuleForm) -> str:
    conditions = _conditions(form)
    flat = len(conditions) - len(form.groups)
    known: dict[Location, str] = {}
    for index, condition in enumerate(conditions):
        at: Location = () if len(conditions) == 1 else ("all", index)
        if index < flat:
            inner = condition.get("not", condition)
            known[at] = next(iter(inner))
        else:
            known.update(places(form.groups[index - flat], at, (index - flat,)))
    prefixes = (location[:length] for length in range(len(location), -1, -1))
    return next((known[prefix] for prefix in prefixes if prefix in known), "")


def _listed(posted: list[str], fact: str) -> list[str]:
    """Picked facts arrive one value per box; typed facts as comma-separated words."""
    if fact in PICKED:
        return [value for value in posted if value]
    return [word.strip() for text in posted for word in text.split(",") if word.strip()]


def _number_or_text(value: str) -> int | str:
    return int(value) if value.isdigit() else value
