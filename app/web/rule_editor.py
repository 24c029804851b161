"""A proposed rule set from the editor: the JSON view with the form's rule put in its place,
validated by the DSL, every error kept with its exact location (and the form field it means)."""

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from app.rules.dsl import RuleSet
from app.web.rule_form import RuleForm, field_of_error, rule_of


@dataclass(frozen=True)
class PlacedError:
    location: str
    message: str
    form_field: str = ""


@dataclass
class Proposal:
    rules: list[dict[str, Any]]
    rule_set: RuleSet | None = None
    errors: list[PlacedError] = field(default_factory=list)
    # The rule set's clinical acuity table, carried as it is (None: the shipped one).
    acuity: dict[str, Any] | None = None

    @property
    def document(self) -> dict[str, Any]:
        """The proposal as rule set JSON, as `GET /api/v1/rules` gives it and the DSL reads it."""
        return {"rules": self.rules} | ({"acuity": self.acuity} if self.acuity is not None else {})

    @property
    def as_json(self) -> str:
        return json.dumps(self.document, indent=2, ensure_ascii=False)

    @property
    def digest(self) -> str:
        """Names this exact proposal, so a save is of what the dry run showed."""
        canonical = json.dumps(self.document, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()


def propose(rules_json: str, form: RuleForm | None, position: int | None) -> Proposal:
    """The JSON view's rules, with the form's rule (if given) replacing its namesake or inserted
    at `position` (1-based; default just before the fallback)."""
    try:
        document = json.loads(rules_json)
        rules = _rules_in(document)
    except ValueError as error:
        return Proposal([], errors=[PlacedError("rules", f"not a rule set in JSON: {error}")])
    acuity = document.get("acuity")
    form_index = None
    if form is not None:
        rules, form_index = _placed(rules, rule_of(form), position)
    proposal = Proposal(rules, acuity=acuity)
    try:
        proposal.rule_set = RuleSet.model_validate(proposal.document)
    except ValidationError as invalid:
        proposal.errors = [_placed_error(e, form, form_index) for e in invalid.errors()]
    return proposal


def reordered(rules_json: str, move: str) -> Proposal:
    """The JSON view's rules with one moved a place (`move-up:3`, `move-down:0`); the fallback
    stays last. Unreadable JSON comes back as it was, with its error."""
    proposal = propose(rules_json, None, None)
    verb, _, where = move.partition(":")
    index = int(where)
    other = index - 1 if verb == "move-up" else index + 1
    rules = list(proposal.rules)
    if not (0 <= min(index, other) and max(index, other) < len(rules) - 1):
        return proposal
    rules[index], rules[other] = rules[other], rules[index]
    return propose(json.dumps(proposal.document | {"rules": rules}), None, None)


def _rules_in(document: Any) -> list[dict[str, Any]]:
    rules = document.get("rules") if isinstance(document, dict) else None
    if not isinstance(rules, list) or not all(isinstance(rule, dict) for rule in rules):
        raise ValueError('expected {"rules": [ {...}, ... ]}')
    return rules


def _placed(
    rules: list[dict[str, Any]], rule: dict[str, Any], position: int | None
) -> tuple[list[dict[str, Any]], int]:
    others = [old for old in rules if old.get("id") != rule["id"]]
    kept_at = next((i for i, old in enumerate(rules) if old.get("id") == rule["id"]), None)
    if position is not None:
        index = position - 1
    else:
        index = kept_at if kept_at is not None else max(len(others) - 1, 0)
    index = min(max(index, 0), len(others))
    return [*others[:index], rule, *others[index:]], index


def _placed_error(error: Any, form: RuleForm | None, form_index: int | None) -> PlacedError:
    location = tuple(error["loc"])
    of_form = form is not None and location[:2] == ("rules", form_index)
    return PlacedError(
        location=".".join(str(part) for part in location),
        message=error["msg"],
        form_field=field_of_error(location[2:], form) if form is not None and of_form else "",
    )
