"""Rules in words for the people who edit them: "Cervical spine with a fracture question → MSK".

Plain data in, plain strings out; the engine's own `describe` stays terse for stored reasons.
"""

from collections.abc import Sequence
from typing import Any

from app.rules.dsl import Action, Condition, Rule
from app.rules.schemas import RuleSetDiff
from app.time_windows import TimeWindow

_REGION_WORDS = {
    "CSPINE": "cervical spine",
    "TSPINE": "thoracic spine",
    "LSPINE": "lumbar spine",
    "HEAD_NECK": "head and neck",
    "WRIST_HAND": "wrist and hand",
    "ANKLE_FOOT": "ankle and foot",
    "WHOLE_BODY": "whole body",
    "OTHER": "other region",
}
_CATEGORY_WORDS = {
    "MSK_TUMOR": "bone or soft-tissue tumour",
    "TUMOR": "tumour",
    "TRAUMA_NEURO_DEFICIT": "trauma with a neurological deficit",
    "TRAUMA_LIGAMENT": "ligament injury",
    "FACET_ARTHROPATHY": "facet",
    "MARROW_EDEMA": "marrow oedema",
    "DEGENERATIVE_DISC": "disc degeneration",
    "LINES_TUBES": "lines and tubes",
}
_WEEKDAY_WORDS = {
    "MON": "Monday",
    "TUE": "Tuesday",
    "WED": "Wednesday",
    "THU": "Thursday",
    "FRI": "Friday",
    "SAT": "Saturday",
    "SUN": "Sunday",
}


def rule_sentence(rule: Rule) -> str:
    """One rule as a sentence: its condition, an arrow, and what it does."""
    if rule.when is None:
        return f"Every other study → {action_words(rule.then)}"
    return f"{_capitalised(condition_words(rule.when))} → {action_words(rule.then)}"


def condition_words(condition: Condition, nested: bool = False) -> str:
    """A condition tree in words; groups inside groups are bracketed so the reading is exact."""
    value = getattr(condition, condition.fact)
    if condition.fact in ("all", "any"):
        joined = _joined([condition_words(child, True) for child in value], condition.fact)
        return f"({joined})" if nested and len(value) > 1 else joined
    if condition.fact == "not_":
        return _negated(value)
    return _leaf_words(condition.fact, value)


def action_words(action: Action) -> str:
    words = [action.subspecialty]
    if action.priority is not None:
        words.append(f"as {action.priority}")
    if action.second_opinion_required:
        pool = action.second_opinion_subspecialty
        words.append(f"with a second opinion{f' in {pool}' if pool else ''}")
    if action.radiologist_id is not None:
        words.append(f"to radiologist {action.radiologist_id}")
    return ", ".join(words)


def diff_sentences(
    diff: RuleSetDiff, before: list[dict[str, Any]], after: list[dict[str, Any]]
) -> list[str]:
    """What changed between two versions, a sentence per rule added, removed or changed."""
    old = {rule["id"]: rule for rule in before}
    new = {rule["id"]: rule for rule in after}
    lines = [f"Added {_described(new[rule_id])}" for rule_id in diff.added]
    lines += [f"Removed {_described(old[rule_id])}" for rule_id in diff.removed]
    lines += [
        f"Changed '{change.id}': was “{_sentence_of(change.before)}”, "
        f"now “{_sentence_of(change.after)}”"
        for change in diff.changed
    ]
    if diff.order_changed:
        lines.append("The order of the rules changed: " + ", ".join(new))
    return lines or ["No change"]


def _described(rule: dict[str, Any]) -> str:
    return f"'{rule['id']}': {_sentence_of(rule)}"


def _sentence_of(rule: dict[str, Any]) -> str:
    parsed = Rule.model_validate(rule)
    switched_off = "" if parsed.enabled else " (switched off)"
    return rule_sentence(parsed) + switched_off


def _negated(inner: Condition) -> str:
    if inner.categories_any is not None:
        return f"no {_joined(_categories(inner.categories_any), 'any')} question"
    if inner.region is not None:
        return f"not {_joined(_regions(inner.region), 'any')}"
    return f"not ({condition_words(inner)})"


def _leaf_words(fact: str, value: Any) -> str:
    if isinstance(value, TimeWindow):
        return f"received between {value.start:%H:%M} and {value.end:%H:%M}"
    items = [str(item) for item in value]
    phrases = {
        "modality": lambda: f"{_joined(items, 'any')} studies",
        "region": lambda: _joined(_regions(items), "any"),
        "sequences_present": lambda: f"with {_joined(items, 'all')} series",
        "sequences_absent": lambda: f"without {_joined(items, 'any')} series",
        "categories_any": lambda: f"a {_joined(_categories(items), 'any')} question",
        "categories_all": lambda: f"{_joined(_categories(items), 'all')} questions together",
        "keywords": lambda: "text mentioning " + _joined([f"“{k}”" for k in items], "any"),
        "urgency": lambda: f"{_joined(items, 'any')} urgency",
        "source_ae": lambda: f"sent by {_joined(items, 'any')}",
        "institution": lambda: f"from {_joined(items, 'any')}",
        "weekday": lambda: "received on " + _joined([_WEEKDAY_WORDS[d] for d in items], "any"),
    }
    return phrases[fact]()


def _regions(codes: Sequence[str]) -> list[str]:
    return [_REGION_WORDS.get(code, code.lower()) for code in codes]


def _categories(codes: Sequence[str]) -> list[str]:
    return [_CATEGORY_WORDS.get(code, code.lower().replace("_", " ")) for code in codes]


def _joined(parts: list[str], how: str) -> str:
    """'a, b or c' for any, 'a, b and c' for all."""
    if len(parts) == 1:
        return parts[0]
    last = " and " if how == "all" else " or "
    return ", ".join(parts[:-1]) + last + parts[-1]


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]
