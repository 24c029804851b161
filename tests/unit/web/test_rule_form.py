"""The rule editor's form and the rule's JSON make each other, and errors land on their field."""

from app.rules.dsl import load_default_rules
from app.web.condition_tree import edited
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
    assert rule_of(form_of(rule)) == rule


def test_every_shipped_rule_round_trips_flat_ones_in_the_pickers_nested_ones_in_groups() -> None:
    in_groups = {}
    for rule in load_default_rules().to_json()["rules"]:
        form = form_of(rule)
        assert rule_of(form).get("when") == rule.get("when")
        in_groups[rule["id"]] = bool(form.groups)
    assert in_groups["msk-spine-bone-joint-question"] is False
    assert in_groups["msk-pelvis-hip-sports"] is True


NESTED = {
    "rule.id": ["night-trauma"], "then.subspecialty": ["BODY"], "when.weekday": ["SAT", "SUN"],
    "tree.0.kind": ["any"],
    "tree.0.0.kind": ["fact"], "tree.0.0.fact": ["region"], "tree.0.0.values": ["ABDOMEN, PELVIS"],
    "tree.0.1.kind": ["not"],
    "tree.0.1.0.kind": ["fact"], "tree.0.1.0.fact": ["modality"], "tree.0.1.0.values": ["US"],
    "tree.1.kind": ["window"], "tree.1.start": ["18:00"], "tree.1.end": ["07:00"],
}  # fmt: skip


def test_the_form_builds_nested_groups_and_time_windows_and_gets_them_back() -> None:
    rule = rule_of(form_from_fields(NESTED))
    assert rule["when"] == {"all": [
        {"weekday": ["SAT", "SUN"]},
        {"any": [{"region": ["ABDOMEN", "PELVIS"]}, {"not": {"modality": ["US"]}}]},
        {"time_between": {"start": "18:00:00", "end": "07:00:00"}},
    ]}  # fmt: skip
    assert rule_of(form_of(rule)) == rule


def test_an_error_inside_a_group_lands_on_that_condition() -> None:
    bad = NESTED | {"tree.0.1.0.values": ["ultrasound"], "tree.1.end": ["25:00"]}
    proposal = propose(FALLBACK, form_from_fields(bad), None)
    places = {error.location: error.form_field for error in proposal.errors}
    assert places["rules.0.when.all.1.any.1.not.modality.0"] == "tree.0.1.0"
    assert places["rules.0.when.all.2.time_between.end"] == "tree.1"


def test_groups_are_added_and_removed_where_asked() -> None:
    form = form_from_fields(NESTED)
    groups = edited(form.groups, "add-all:0.1")
    groups = edited(groups, "add-window:0.1.1")
    groups = edited(groups, "remove:0.0")
    (first, _) = groups
    assert [node.kind for node in first.children] == ["not"]
    assert [node.kind for node in first.children[0].children] == ["fact", "all"]
    assert first.children[0].children[1].children[0].kind == "window"


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
