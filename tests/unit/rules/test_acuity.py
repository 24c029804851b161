"""Urgency from clinical acuity: the rule set's acuity of each category, moved by the text."""

import pytest

from app.rules.dsl import RuleSet, load_default_rules
from app.rules.facts import route_referral

DEFAULT = load_default_rules()


def urgency_of(question: str, rule_set: RuleSet = DEFAULT, **referral: str) -> tuple[str, str]:
    routed = route_referral(rule_set, clinical_question=question, **referral).to_json()
    return routed["urgency"], " | ".join(routed["reasons"])


@pytest.mark.parametrize(
    ("question", "urgency"),
    [
        ("IV drug use, febrile, back pain, ?discitis", "URGENT"),
        ("chronic osteomyelitis of the tibia, follow up", "ROUTINE"),
        ("sciatica for 3 months, physiotherapy", "ROUTINE"),
        ("acute sciatica with new great toe weakness", "URGENT"),
        ("scaphoid tenderness after an injury yesterday, ?fracture", "URGENT"),
        ("osteoporosis, acute back pain, ?insufficiency fracture", "ROUTINE"),
        ("headache for years, unchanged", "ROUTINE"),
        ("new headache in an elderly patient on warfarin", "URGENT"),
        ("bladder control lost and numb buttocks since this morning", "STAT"),
        ("sudden loss of vision in the left eye today", "URGENT"),
        ("VP shunt, drowsy and vomiting, ?shunt malfunction", "URGENT"),
    ],
)
def test_urgency_follows_the_acuity_of_the_question(question: str, urgency: str) -> None:
    assert urgency_of(question)[0] == urgency


def test_the_urgency_reason_names_the_category_and_the_deciding_cue() -> None:
    urgency, reasons = urgency_of("febrile and immunosuppressed, ?septic arthritis of the hip")

    assert urgency == "URGENT"
    assert "INFECTION is URGENT when acute" in reasons
    assert "'immunosuppressed' (immunosuppression)" in reasons


def test_a_lowering_word_makes_an_urgent_category_routine() -> None:
    urgency, reasons = urgency_of("PICC line position known and stable, routine check")

    assert urgency == "URGENT"  # an explicit cue still decides: lines and tubes are checked
    assert urgency_of("cervical syrinx, stable, follow up")[0] == "ROUTINE"


def test_category_acuity_is_data_in_the_rule_set() -> None:
    edited = DEFAULT.to_json()
    edited["acuity"]["HEADACHE"] = {"usual": "URGENT"}
    headache_urgent = RuleSet.model_validate(edited)

    assert urgency_of("occasional headaches")[0] == "ROUTINE"
    assert urgency_of("occasional headaches", headache_urgent)[0] == "URGENT"


def test_an_acute_acuity_less_urgent_than_the_usual_one_is_refused() -> None:
    edited = DEFAULT.to_json()
    edited["acuity"]["HEADACHE"] = {"usual": "URGENT", "acute": "ROUTINE"}

    with pytest.raises(ValueError, match="acute acuity"):
        RuleSet.model_validate(edited)


def test_a_rule_set_without_acuity_keeps_the_explicit_cues_only() -> None:
    bare = DEFAULT.to_json()
    del bare["acuity"]
    without = RuleSet.model_validate(bare)

    assert "acuity" not in without.to_json()
    assert urgency_of("IV drug use, febrile, back pain, ?discitis", without)[0] == "ROUTINE"
