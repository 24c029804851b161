"""The clinical acuity of a study's question, from the rule set's acuity of each category.

DESIGN.md: urgency is the most urgent of the order's priority, the patient's setting and the
clinical acuity of the question; the acuity of each category is data in the rule set (admins
edit it, the dry run applies it), moved one step by the question's modifiers.
"""

from dataclasses import replace

from app.classification.vocabulary import URGENCY_ORDER, Urgency
from app.rules.classified_study import ClassifiedStudy
from app.rules.dsl import CategoryAcuity, RuleSet

ACUITY_KEY = "acuity.table"


def clinical_acuity(rule_set: RuleSet, facts: ClassifiedStudy) -> tuple[Urgency, str]:
    """The acuity of the most acute category as the question's modifiers set it, and why.

    A raising modifier takes a category to its acute acuity; a lowering one (chronic, known,
    stable, follow-up, neurologically intact) makes it ROUTINE.
    """
    table: dict[str, CategoryAcuity] = rule_set.memo(
        ACUITY_KEY, lambda: {str(name): entry for name, entry in (rule_set.acuity or {}).items()}
    )
    best: tuple[int, str, str] = (0, "", "")
    for category in sorted(facts.categories):
        entry = table.get(category)
        if entry is None:
            continue
        acuity, why = _moved(entry, facts)
        level = URGENCY_ORDER.index(acuity)
        if level > best[0] or not best[1]:
            best = (level, category, why)
    level, deciding, why = best
    return URGENCY_ORDER[level], f"{deciding} is {why}" if deciding else ""


def _moved(entry: CategoryAcuity, facts: ClassifiedStudy) -> tuple[Urgency, str]:
    usual = entry.usual
    if facts.acuity_steps > 0 and entry.acute is not None and entry.acute != usual:
        return entry.acute, f"{entry.acute} when acute, as {facts.acuity_cue} says"
    if facts.acuity_steps < 0 and usual != "ROUTINE":
        return "ROUTINE", f"{usual} as usually asked, ROUTINE for {facts.acuity_cue}"
    return usual, f"{usual} in the rule set"


def with_clinical_acuity(rule_set: RuleSet, facts: ClassifiedStudy) -> tuple[ClassifiedStudy, str]:
    """The facts with the more urgent of their urgency and the clinical acuity, and the reason
    when the acuity decided."""
    if facts.urgency_corrected:
        return facts, ""
    acuity, why = clinical_acuity(rule_set, facts)
    if URGENCY_ORDER.index(acuity) <= URGENCY_ORDER.index(facts.urgency):
        return facts, ""
    return replace(facts, urgency=acuity), f"urgency {acuity}: {why}"
