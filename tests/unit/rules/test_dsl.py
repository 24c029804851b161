from typing import Any

import pytest
from pydantic import ValidationError

from app.rules.dsl import RuleSet, load_default_rules
from tests.unit.rules.factories import DEFAULT_RULE, make_rule


def errors_of(rules: list[dict[str, Any]]) -> list[tuple[tuple[str | int, ...], str]]:
    with pytest.raises(ValidationError) as caught:
        RuleSet.model_validate({"rules": rules})
    return [(tuple(error["loc"]), error["msg"]) for error in caught.value.errors()]


@pytest.mark.parametrize(
    ("when", "loc"),
    [
        ({"regoin": ["BRAIN"]}, ("rules", 0, "when", "regoin")),
        ({"region": ["BRAN"]}, ("rules", 0, "when", "region", 0)),
        (
            {"all": [{"region": ["BRAIN"]}, {"categories_any": ["HEADACHES"]}]},
            ("rules", 0, "when", "all", 1, "categories_any", 0),
        ),
        (
            {"not": {"sequences_present": ["T3"]}},
            ("rules", 0, "when", "not", "sequences_present", 0),
        ),
        ({"urgency": ["SOON"]}, ("rules", 0, "when", "urgency", 0)),
        ({"weekday": ["FRIDAY"]}, ("rules", 0, "when", "weekday", 0)),
        (
            {"time_between": {"start": "25:00", "end": "07:00"}},
            ("rules", 0, "when", "time_between", "start"),
        ),
        ({"region": []}, ("rules", 0, "when", "region")),
        ({"any": []}, ("rules", 0, "when", "any")),
        ({"modality": ["mr"]}, ("rules", 0, "when", "modality", 0)),
    ],
)
def test_invalid_condition_is_reported_at_its_exact_location(
    when: dict[str, Any], loc: tuple[str | int, ...]
) -> None:
    errors = errors_of([make_rule("bad", when), DEFAULT_RULE])

    assert loc in [error_loc for error_loc, _ in errors]


def test_a_condition_naming_two_facts_is_an_error_at_that_node() -> None:
    [(loc, message)] = errors_of(
        [make_rule("bad", {"all": [{"region": ["BRAIN"], "modality": ["MR"]}]}), DEFAULT_RULE]
    )

    assert loc == ("rules", 0, "when", "all", 0)
    assert "exactly one fact" in message
    assert "modality, region" in message


def test_a_condition_naming_nothing_is_an_error() -> None:
    [(loc, message)] = errors_of([make_rule("bad", {}), DEFAULT_RULE])

    assert loc == ("rules", 0, "when")
    assert "nothing" in message


@pytest.mark.parametrize(
    ("then", "loc"),
    [
        ({"subspecialty": "neuro"}, ("rules", 0, "then", "subspecialty")),
        ({"subspecialty": "NEURO", "priority": "ASAP"}, ("rules", 0, "then", "priority")),
        ({"subspecialty": "NEURO", "second_opinion_subspecialty": "MSK"}, ("rules", 0, "then")),
        ({"subspecialty": "NEURO", "assignee": 3}, ("rules", 0, "then", "assignee")),
    ],
)
def test_invalid_action_is_reported_at_its_exact_location(
    then: dict[str, Any], loc: tuple[str | int, ...]
) -> None:
    errors = errors_of([{"id": "bad", "when": {"region": ["BRAIN"]}, "then": then}, DEFAULT_RULE])

    assert loc in [error_loc for error_loc, _ in errors]


def test_the_last_rule_must_be_an_unconditional_default() -> None:
    [(loc, message)] = errors_of([make_rule("only", {"region": ["BRAIN"]})])

    assert loc == ("rules",)
    assert "rules.0" in message
    assert "default" in message


def test_a_disabled_default_is_not_a_default() -> None:
    [(_, message)] = errors_of([{**DEFAULT_RULE, "enabled": False}])

    assert "enabled default" in message


def test_rule_ids_are_unique() -> None:
    [(_, message)] = errors_of(
        [make_rule("same", {"region": ["BRAIN"]}), {**DEFAULT_RULE, "id": "same"}]
    )

    assert "rules.1.id" in message
    assert "rules.0.id" in message


def test_a_misspelt_code_or_id_is_refused_in_words_not_as_its_pattern() -> None:
    errors = errors_of([make_rule("Bad Id", {"modality": ["mr"]}), DEFAULT_RULE])

    assert errors == [
        (
            ("rules", 0, "id"),
            "small letters, digits, - and _, at most 64, the first a letter or digit",
        ),
        (("rules", 0, "when", "modality", 0), "two to four capital letters, e.g. MR or CT"),
    ]


def test_an_empty_rule_set_is_an_error() -> None:
    assert errors_of([])[0][0] == ("rules",)


def test_any_uppercase_subspecialty_code_is_accepted() -> None:
    rule_set = RuleSet.model_validate(
        {"rules": [make_rule("peds", {"keywords": ["child"]}, "PEDS_NEURO"), DEFAULT_RULE]}
    )

    assert rule_set.rules[0].then.subspecialty == "PEDS_NEURO"


def test_stored_json_round_trips_with_the_not_alias() -> None:
    rules = [make_rule("not-brain", {"not": {"region": ["BRAIN"]}}, name="Not brain"), DEFAULT_RULE]
    rule_set = RuleSet.model_validate({"rules": rules})

    stored = rule_set.to_json()

    assert stored["rules"][0]["when"] == {"not": {"region": ["BRAIN"]}}
    assert RuleSet.model_validate(stored) == rule_set


def test_keywords_are_matched_in_lower_case() -> None:
    rule_set = RuleSet.model_validate(
        {"rules": [make_rule("kw", {"keywords": [" Hip "]}), DEFAULT_RULE]}
    )

    when = rule_set.rules[0].when
    assert when is not None
    assert when.keywords == ["hip"]


def test_the_shipped_default_rules_are_valid_and_end_with_general() -> None:
    rule_set = load_default_rules()

    assert rule_set.rules[-1].when is None
    assert rule_set.rules[-1].then.subspecialty == "GENERAL"
