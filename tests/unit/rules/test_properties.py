from datetime import datetime
from typing import Any, get_args

from hypothesis import given, settings
from hypothesis import strategies as st

from app.classification.vocabulary import Category, Region, Sequence, Urgency
from app.rules.classified_study import ClassifiedStudy
from app.rules.dsl import RuleSet
from app.rules.engine import holds, route

REGIONS = list(get_args(Region))
SEQUENCES = list(get_args(Sequence))
CATEGORIES = list(get_args(Category))
URGENCIES = list(get_args(Urgency))
MODALITIES = ["MR", "CT", "DX", "US"]


def some(values: list[str]) -> st.SearchStrategy[list[str]]:
    return st.lists(st.sampled_from(values), min_size=1, max_size=3, unique=True)


leaves: st.SearchStrategy[dict[str, Any]] = st.one_of(
    some(MODALITIES).map(lambda values: {"modality": values}),
    some(REGIONS).map(lambda values: {"region": values}),
    some(SEQUENCES).map(lambda values: {"sequences_present": values}),
    some(SEQUENCES).map(lambda values: {"sequences_absent": values}),
    some(CATEGORIES).map(lambda values: {"categories_any": values}),
    some(CATEGORIES).map(lambda values: {"categories_all": values}),
    some(URGENCIES).map(lambda values: {"urgency": values}),
    some(["hip", "sarcoma", "stroke"]).map(lambda values: {"keywords": values}),
    some(["MON", "SAT"]).map(lambda values: {"weekday": values}),
)
conditions = st.recursive(
    leaves,
    lambda children: st.one_of(
        st.lists(children, min_size=1, max_size=3).map(lambda nodes: {"all": nodes}),
        st.lists(children, min_size=1, max_size=3).map(lambda nodes: {"any": nodes}),
        children.map(lambda node: {"not": node}),
    ),
    max_leaves=6,
)
rules = st.builds(
    lambda when, subspecialty, enabled: {
        "when": when,
        "then": {"subspecialty": subspecialty},
        "enabled": enabled,
    },
    conditions,
    st.sampled_from(["NEURO", "MSK", "BODY", "CHEST"]),
    st.booleans(),
)


@st.composite
def rule_sets(draw: st.DrawFn) -> RuleSet:
    drawn = draw(st.lists(rules, max_size=6))
    numbered = [{**rule, "id": f"rule-{index}"} for index, rule in enumerate(drawn)]
    default = {"id": "default", "then": {"subspecialty": "GENERAL"}}
    return RuleSet.model_validate({"rules": [*numbered, default]})


facts_strategy = st.builds(
    ClassifiedStudy,
    modalities=st.frozensets(st.sampled_from(MODALITIES), min_size=1, max_size=2),
    region=st.sampled_from(REGIONS),
    sequences=st.frozensets(st.sampled_from(SEQUENCES), max_size=6),
    categories=st.frozensets(st.sampled_from(CATEGORIES), max_size=3),
    text=st.sampled_from(["", "hip pain", "r/o stroke"]),
    urgency=st.sampled_from(URGENCIES),
    received_at=st.one_of(
        st.none(), st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2026, 12, 31))
    ),
)


@settings(max_examples=100, deadline=None)
@given(rule_set=rule_sets(), facts=facts_strategy)
def test_any_valid_rule_set_routes_every_study_to_exactly_the_first_match(
    rule_set: RuleSet, facts: ClassifiedStudy
) -> None:
    decision = route(rule_set, facts)

    matching = [
        rule.id
        for rule in rule_set.rules
        if rule.enabled and (rule.when is None or holds(rule.when, facts))
    ]
    assert matching, "the default always matches"
    assert decision.rule_id == matching[0]
    assert matching[-1] == "default"


@settings(max_examples=100, deadline=None)
@given(rule_set=rule_sets(), facts=facts_strategy)
def test_the_default_rule_decides_exactly_when_no_other_enabled_rule_matches(
    rule_set: RuleSet, facts: ClassifiedStudy
) -> None:
    others = [
        rule
        for rule in rule_set.rules[:-1]
        if rule.enabled and rule.when is not None and holds(rule.when, facts)
    ]

    decision = route(rule_set, facts)

    assert (decision.rule_id == "default") is (not others)
    assert decision.priority in URGENCIES
