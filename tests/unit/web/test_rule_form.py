"""The rule editor's form and the rule's JSON make each other, and errors land on their field."""

from app.rules.dsl import load_default_rules
from app.web.rule_editor import propose
from app.web.rule_form import form_from_fields, form_of, rule_of

CSPINE_FACET = {
    "rule.id": ["msk-cspine-facet"], "rule.name": ["Neck facets"], "rule.enabled": ["on"],
    "when.region": ["CSPINE"], "when.categories_any": ["FACET_ARTHROPATHY"],
    "when.keywords.not": ["myelopathy, cord"],
    "then.subspecialty": ["MSK"], "then.priority": [""],
}  # fmt: skip
FALLBACK = '{"rules": [{"id": "default", "then": {"subspecialty": "GENERAL"}}]}'


def test_the_form_makes_an_all_of_rule_with_negations() -> None:
    rule = rule_of(form_from_fields(CSPINE_FACET))
    assert rule == {
        "id": "msk-cspine-facet", "name": "Neck facets", "enabled": True,
        "when": {"all": [
            {"region": ["CSPINE"]},
            {"categories_any": ["FACET_ARTHROPATHY"]},
            {"not": {"keywords": ["myelopathy", "cord"]}},
        ]},
        "then": {"subspecialty": "MSK"},
    }  # fmt: skip


def test_every_rule_the_form_can_hold_comes_back_the_same() -> None:
    rule = rule_of(form_from_fields(CSPINE_FACET))
    form = form_of(rule)
    assert form is not None
    assert rule_of(form) == rule


def test_shipped_rules_of_a_flat_shape_round_trip_and_nested_ones_go_to_json() -> None:
    shapes = {}
    for rule in load_default_rules().to_json()["rules"]:
        form = form_of(rule)
        shapes[rule["id"]] = form is not None
        if form is not None:
            assert rule_of(form).get("when") == rule.get("when")
    assert shapes["msk-spine-bone-joint-question"] is True
    assert shapes["msk-pelvis-hip-sports"] is False


def test_the_form_rule_goes_before_the_fallback_and_replaces_its_namesake() -> None:
    form = form_from_fields(CSPINE_FACET)
    first = propose(FALLBACK, form, None)
    assert [rule["id"] for rule in first.rules] == ["msk-cspine-facet", "default"]
    again = propose(first.as_json, form, None)
    assert [rule["id"] for rule in again.rules] == ["msk-cspine-facet", "default"]
    assert again.digest == first.digest


def test_an_error_of_the_form_rule_names_its_field_and_exact_place() -> None:
    bad = CSPINE_FACET | {"when.modality": ["mri"], "rule.id": ["Bad Id"]}
    proposal = propose(FALLBACK, form_from_fields(bad), None)
    assert proposal.rule_set is None
    places = {error.location: error.form_field for error in proposal.errors}
    assert places["rules.0.when.all.2.modality.0"] == "modality"
    assert places["rules.0.id"] == "id"


def test_json_that_is_not_a_rule_set_is_an_error_not_a_crash() -> None:
    assert propose("[1, 2", None, None).errors[0].location == "rules"
    assert propose('{"rules": 3}', None, None).errors[0].message.startswith("not a rule set")


def test_the_acuity_table_goes_through_an_edit_unchanged() -> None:
    document = '{"rules": [{"id": "default", "then": {"subspecialty": "GENERAL"}}],'
    document += ' "acuity": {"HEADACHE": {"usual": "URGENT"}}}'
    proposal = propose(document, form_from_fields(CSPINE_FACET), None)
    assert proposal.rule_set is not None
    assert proposal.rule_set.to_json()["acuity"] == {"HEADACHE": {"usual": "URGENT"}}
    assert '"acuity"' in proposal.as_json
