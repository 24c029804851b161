"""Rules in words: the sentences admins read on the rules page and in a diff."""

from collections.abc import Mapping

from app.rules.dsl import Rule, load_default_rules
from app.rules.schemas import ChangedRule, RuleSetDiff
from app.rules.sentences import diff_sentences, rule_sentence

MSK_SPINE = {
    "id": "msk-spine",
    "when": {
        "all": [
            {"region": ["CSPINE", "TSPINE", "LSPINE"]},
            {"categories_any": ["FACET_ARTHROPATHY", "FRACTURE"]},
            {"not": {"categories_any": ["MYELOPATHY", "RADICULOPATHY"]}},
        ]
    },
    "then": {"subspecialty": "MSK"},
}


def _sentence(rule: Mapping[str, object]) -> str:
    return rule_sentence(Rule.model_validate(rule))


def test_spine_rule_reads_as_regions_questions_and_the_pool() -> None:
    assert _sentence(MSK_SPINE) == (
        "Cervical spine, thoracic spine or lumbar spine, a facet or fracture question "
        "and no myelopathy or radiculopathy question → MSK"
    )


def test_a_rule_without_condition_is_the_fallback() -> None:
    assert _sentence({"id": "x", "then": {"subspecialty": "GENERAL"}}) == (
        "Every other study → GENERAL"
    )


def test_nested_groups_are_bracketed_and_actions_listed() -> None:
    night = {"time_between": {"start": "18:00", "end": "07:00"}}
    rule = {
        "id": "night-ct",
        "when": {
            "all": [
                {"modality": ["CT"]},
                {"any": [{"keywords": ["Hip"]}, night]},
            ]
        },
        "then": {"subspecialty": "BODY", "priority": "URGENT", "second_opinion_required": True,
                 "second_opinion_subspecialty": "MSK", "radiologist_id": 7},
    }  # fmt: skip
    assert _sentence(rule) == (
        "CT studies and (text mentioning “hip” or received between 18:00 and 07:00) "
        "→ BODY, as URGENT, with a second opinion in MSK, to radiologist 7"
    )


def test_every_shipped_rule_has_a_sentence_with_its_pool() -> None:
    for rule in load_default_rules().rules:
        assert rule_sentence(rule).endswith(f"→ {rule.then.subspecialty}")


def test_a_diff_names_added_removed_changed_and_reordered_rules() -> None:
    fallback = {"id": "default", "then": {"subspecialty": "GENERAL"}}
    changed = {**MSK_SPINE, "enabled": False}
    neuro = {"id": "neuro", "when": {"region": ["BRAIN"]}, "then": {"subspecialty": "NEURO"}}
    diff = RuleSetDiff(
        from_version=1, to_version=2, added=["neuro"], removed=[], order_changed=False,
        changed=[ChangedRule(id="msk-spine", before=MSK_SPINE, after=changed)],
    )  # fmt: skip
    lines = diff_sentences(diff, [MSK_SPINE, fallback], [neuro, changed, fallback])
    assert lines[0] == "Added 'neuro': Brain → NEURO"
    assert lines[1].startswith("Changed 'msk-spine': was “Cervical spine")
    assert lines[1].endswith("→ MSK (switched off)”")
