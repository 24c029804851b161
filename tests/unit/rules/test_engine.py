from datetime import datetime
from typing import Any

import pytest

from app.rules.dsl import RuleSet
from app.rules.engine import NoDefaultRule, route
from tests.unit.rules.factories import DEFAULT_RULE, make_facts, make_rule, make_rule_set

FRIDAY_EVENING = datetime(2026, 11, 20, 19, 30)
MONDAY_MORNING = datetime(2026, 11, 23, 9, 0)


@pytest.mark.parametrize(
    ("when", "facts", "matches"),
    [
        ({"modality": ["CT", "MR"]}, {}, True),
        ({"modality": ["CT"]}, {}, False),
        ({"region": ["BRAIN"]}, {}, True),
        ({"region": ["KNEE"]}, {}, False),
        (
            {"sequences_present": ["DWI", "FLAIR"]},
            {"sequences": frozenset({"DWI", "FLAIR", "T1"})},
            True,
        ),
        ({"sequences_present": ["DWI", "SWI"]}, {"sequences": frozenset({"DWI"})}, False),
        ({"sequences_absent": ["T1_POST"]}, {"sequences": frozenset({"T1"})}, True),
        ({"sequences_absent": ["T1_POST"]}, {"sequences": frozenset({"T1_POST"})}, False),
        ({"categories_any": ["STROKE", "SEIZURE"]}, {"categories": frozenset({"SEIZURE"})}, True),
        ({"categories_all": ["STROKE", "SEIZURE"]}, {"categories": frozenset({"SEIZURE"})}, False),
        ({"keywords": ["sarcoma"]}, {"text": "r/o sarcoma of the thigh"}, True),
        ({"keywords": ["sarcoma"]}, {"text": "knee pain"}, False),
        ({"keywords": ["hip"]}, {"text": "whiplash"}, False),
        ({"keywords": ["labr"]}, {"text": "r/o labral tear"}, True),
        ({"urgency": ["STAT"]}, {"urgency": "STAT"}, True),
        ({"source_ae": ["ER_CT1"]}, {"source_ae": "ER_CT1"}, True),
        ({"institution": ["General Hospital"]}, {"institution": "GENERAL HOSPITAL"}, True),
        (
            {"time_between": {"start": "18:00", "end": "07:00"}},
            {"received_at": FRIDAY_EVENING},
            True,
        ),
        (
            {"time_between": {"start": "18:00", "end": "07:00"}},
            {"received_at": MONDAY_MORNING},
            False,
        ),
        (
            {"time_between": {"start": "08:00", "end": "17:00"}},
            {"received_at": MONDAY_MORNING},
            True,
        ),
        ({"time_between": {"start": "08:00", "end": "17:00"}}, {}, False),
        ({"weekday": ["SAT", "SUN"]}, {"received_at": FRIDAY_EVENING}, False),
        ({"weekday": ["FRI"]}, {"received_at": FRIDAY_EVENING}, True),
        ({"all": [{"region": ["BRAIN"]}, {"modality": ["MR"]}]}, {}, True),
        ({"all": [{"region": ["BRAIN"]}, {"modality": ["CT"]}]}, {}, False),
        ({"any": [{"region": ["KNEE"]}, {"modality": ["MR"]}]}, {}, True),
        ({"not": {"region": ["BRAIN"]}}, {}, False),
    ],
)
def test_each_fact_test(when: dict[str, Any], facts: dict[str, Any], matches: bool) -> None:
    decision = route(make_rule_set(make_rule("rule", when)), make_facts(**facts))

    assert (decision.rule_id == "rule") is matches


def test_first_matching_enabled_rule_wins() -> None:
    rule_set = make_rule_set(
        make_rule("disabled", {"region": ["BRAIN"]}, "BODY", enabled=False),
        make_rule("first", {"modality": ["MR"]}, "NEURO"),
        make_rule("second", {"region": ["BRAIN"]}, "MSK"),
    )

    decision = route(rule_set, make_facts())

    assert (decision.rule_id, decision.subspecialty) == ("first", "NEURO")


def test_default_rule_matches_when_nothing_else_does() -> None:
    decision = route(make_rule_set(make_rule("knee", {"region": ["KNEE"]})), make_facts())

    assert (decision.rule_id, decision.subspecialty) == ("default", "GENERAL")
    assert "default rule" in decision.reasons[0]


def test_priority_comes_from_the_question_unless_the_rule_overrides_it() -> None:
    plain = make_rule_set(make_rule("plain", {"region": ["BRAIN"]}))
    override = make_rule_set(
        {
            "id": "urgent",
            "when": {"region": ["BRAIN"]},
            "then": {"subspecialty": "NEURO", "priority": "STAT"},
        }
    )

    assert route(plain, make_facts(urgency="URGENT")).priority == "URGENT"
    decision = route(override, make_facts(urgency="ROUTINE"))
    assert decision.priority == "STAT"
    assert any("priority set to STAT" in reason for reason in decision.reasons)


def test_second_opinion_and_named_radiologist_are_carried_to_the_decision() -> None:
    then = {
        "subspecialty": "NEURO",
        "second_opinion_required": True,
        "second_opinion_subspecialty": "MSK",
        "radiologist_id": 42,
    }
    rule_set = make_rule_set({"id": "dual", "when": {"region": ["BRAIN"]}, "then": then})

    decision = route(rule_set, make_facts())

    assert decision.second_opinion_required is True
    assert decision.second_opinion_subspecialty == "MSK"
    assert decision.radiologist_id == 42


def test_reasons_say_which_rule_matched_and_why() -> None:
    rule_set = make_rule_set(
        make_rule(
            "spine-msk",
            {"all": [{"region": ["LSPINE"]}, {"not": {"categories_any": ["RADICULOPATHY"]}}]},
        )
    )

    decision = route(rule_set, make_facts(region="LSPINE"))

    assert decision.reasons[0] == (
        "rule 'spine-msk' matched: (region is one of LSPINE and "
        "not question categories include any of RADICULOPATHY)"
    )


def test_a_rule_set_built_without_validation_and_no_default_raises() -> None:
    unchecked = RuleSet.model_construct(
        rules=[
            RuleSet.model_validate({"rules": [DEFAULT_RULE]})
            .rules[0]
            .model_copy(update={"enabled": False})
        ]
    )

    with pytest.raises(NoDefaultRule):
        route(unchecked, make_facts())
