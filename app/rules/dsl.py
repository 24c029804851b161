"""The routing rule DSL: an ordered rule set of `when` condition trees and `then` actions.

Stored as JSON and validated here, so a bad rule is reported at its exact place
(`rules.3.when.all.1.region.0`), never discovered while routing.
"""

import json
import re
from collections.abc import Callable
from importlib.resources import files
from typing import Annotated, Any, Self, TypeVar, cast

from pydantic import (
    AfterValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    StringConstraints,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from app.classification.vocabulary import Category, Region, Sequence, Urgency
from app.request_body import RequestBody
from app.row_ids import RowId
from app.time_windows import TimeWindow, Weekday
from app.vocabulary import SubspecialtyCode


def _spelt(pattern: str, spelling: str) -> tuple[AfterValidator, WithJsonSchema]:
    """A text that must match `pattern`; refused in words an admin reads, not as the pattern."""
    compiled = re.compile(pattern)

    def check(text: str) -> str:
        if not compiled.fullmatch(text):
            raise PydanticCustomError("string_pattern_mismatch", spelling)
        return text

    schema = {"type": "string", "pattern": f"^{pattern}$", "description": spelling}
    return AfterValidator(check), WithJsonSchema(schema)


ModalityCode = Annotated[str, *_spelt("[A-Z]{2,4}", "two to four capital letters, e.g. MR or CT")]
Keyword = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True, to_lower=True)]
Name = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]
RuleId = Annotated[
    str,
    *_spelt(
        "[a-z0-9][a-z0-9_-]{0,63}",
        "small letters, digits, - and _, at most 64, the first a letter or digit",
    ),
]
T = TypeVar("T")


class StrictModel(RequestBody):
    """Unknown keys are errors: a misspelt fact must not silently match everything."""

    model_config = ConfigDict(frozen=True, populate_by_name=True)


class Condition(StrictModel):
    """One node of a `when` tree: exactly one fact test, or all/any/not of child nodes."""

    all: list["Condition"] | None = Field(None, min_length=1)
    any: list["Condition"] | None = Field(None, min_length=1)
    not_: "Condition | None" = Field(None, alias="not")
    modality: list[ModalityCode] | None = Field(None, min_length=1)
    region: list[Region] | None = Field(None, min_length=1)
    sequences_present: list[Sequence] | None = Field(None, min_length=1)
    sequences_absent: list[Sequence] | None = Field(None, min_length=1)
    categories_any: list[Category] | None = Field(None, min_length=1)
    categories_all: list[Category] | None = Field(None, min_length=1)
    keywords: list[Keyword] | None = Field(None, min_length=1)
    urgency: list[Urgency] | None = Field(None, min_length=1)
    source_ae: list[Name] | None = Field(None, min_length=1)
    institution: list[Name] | None = Field(None, min_length=1)
    time_between: TimeWindow | None = None
    weekday: list[Weekday] | None = Field(None, min_length=1)
    _fact: str = PrivateAttr("")

    @model_validator(mode="after")
    def names_exactly_one_fact(self) -> Self:
        named = [name for name in type(self).model_fields if getattr(self, name) is not None]
        if len(named) != 1:
            shown = ", ".join(_public(name) for name in named) or "nothing"
            raise ValueError(
                f"a condition names exactly one fact or one of all/any/not; it names {shown}"
            )
        self._fact = named[0]
        return self

    @property
    def fact(self) -> str:
        """The field this node tests (`not_` for a negation)."""
        return self._fact


class Action(StrictModel):
    """What a matching rule does with the study."""

    subspecialty: SubspecialtyCode
    priority: Urgency | None = None
    second_opinion_required: bool = False
    second_opinion_subspecialty: SubspecialtyCode | None = None
    radiologist_id: RowId | str | None = None

    @model_validator(mode="after")
    def second_opinion_pool_needs_second_opinion(self) -> Self:
        if self.second_opinion_subspecialty and not self.second_opinion_required:
            raise ValueError(
                "second_opinion_subspecialty is set but second_opinion_required is false"
            )
        return self


class CategoryAcuity(StrictModel):
    """How urgent a question category is as usually asked, and when new or in a fragile patient
    (time words such as acute, new, sudden, progressive; anticoagulation, cancer, fever...)."""

    usual: Urgency
    acute: Urgency | None = None

    @model_validator(mode="after")
    def acute_is_not_less_urgent(self) -> Self:
        order = ("ROUTINE", "URGENT", "STAT")
        if self.acute is not None and order.index(self.acute) < order.index(self.usual):
            raise ValueError("acute acuity must be at least as urgent as the usual one")
        return self


class Rule(StrictModel):
    """One ordered rule; a rule without `when` matches every study."""

    id: RuleId
    name: str = ""
    enabled: bool = True
    when: Condition | None = None
    then: Action


class RuleSet(StrictModel):
    """An ordered list of rules; the first enabled match wins and the last rule is the default."""

    rules: list[Rule] = Field(min_length=1)
    # The clinical acuity of each question category; a category not listed is ROUTINE.
    acuity: dict[Category, CategoryAcuity] | None = None
    _memo: dict[str, Any] = PrivateAttr(default_factory=dict)

    @field_validator("rules")
    @classmethod
    def ends_with_default_and_ids_are_unique(cls, rules: list[Rule]) -> list[Rule]:
        seen: dict[str, int] = {}
        for index, rule in enumerate(rules):
            if rule.id in seen:
                raise ValueError(f"rules.{index}.id: '{rule.id}' repeats rules.{seen[rule.id]}.id")
            seen[rule.id] = index
        last = len(rules) - 1
        if rules[last].when is not None or not rules[last].enabled:
            raise ValueError(
                f"rules.{last}: the last rule must be an enabled default without 'when'"
            )
        return rules

    def memo(self, key: str, build: Callable[[], T]) -> T:
        """Cache something derived from this immutable rule set, such as a compiled plan."""
        # The private dict read directly: pydantic's lookup of a private attribute costs tens of
        # microseconds, and a dry run asks twice per study of its window.
        cache: dict[str, Any] = cast(dict[str, Any], self.__pydantic_private__)["_memo"]
        if key not in cache:
            cache[key] = build()
        value: T = cache[key]
        return value

    def to_json(self) -> dict[str, Any]:
        """The stored JSON form (aliases such as `not`, unset fields left out)."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)


def _public(field_name: str) -> str:
    return "not" if field_name == "not_" else field_name


def load_default_rules() -> RuleSet:
    """The rule set shipped with the service (the department split of issue 5)."""
    text = files("app.rules").joinpath("default_rules.json").read_text(encoding="utf-8")
    return RuleSet.model_validate(json.loads(text))
