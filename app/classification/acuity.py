"""Clinical acuity of a referral: how its words move the acuity of what it asks about.

Each question category has an acuity (STAT / URGENT / ROUTINE) in the rule set; the text moves
it one step at most. Time words (acute, new, sudden, progressive, over hours or days) and
patient context (anticoagulation, cancer, immunosuppression, fever, old age) raise it; chronic,
follow-up, known and stable lower it, and so does a negated deficit ("neuro intact").
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from app.classification.question_cues import NEURO_INTACT_TERMS
from app.classification.text import Term, first_match, terms

RAISING_TIME_WORDS = terms(
    [
        (
            "RAISE",
            r"\bacute(ly)?\b|\bnew\b|\bsudden(ly)?\b|\bprogressi(ve|ng|on)\b|\bworsening\b"
            r"|\brapid(ly)?\b|\b(over|for|since) (the (last|past) )?\d+ ?(hours?|hrs?|days?)\b"
            r"|\b(since )?(yesterday|this morning|last night)\b|\btoday\b|\b\d+ (hours?|days?) ago"
            r"|\binjur(y|ed)\b|\btwist\w*|\bstumble|unable to (bear|weight ?bear)",
            "a time word of a new or changing problem",
        )
    ]
)
LOWERING_TIME_WORDS = terms(
    [
        (
            "LOWER",
            r"\bchronic\b|follow ?up|\bknown\b|\bstable\b|long ?standing|surveillance"
            r"|\bunchanged\b|\b\d+ ?(months?|mos|years?|yrs?)\b(?! ?old)|\bannual\b|\broutine\b"
            r"|insufficiency|osteopor\w*|osteopen\w*|stress fracture|fragility",
            "a time word of a known or lasting problem",
        )
    ]
)
PATIENT_CONTEXT = terms(
    [
        (
            "CONTEXT",
            r"anticoag|warfarin|coumadin|apixaban|eliquis|rivaroxaban|xarelto|\bdoac\b"
            r"|blood thinner|heparin",
            "anticoagulation",
        ),
        (
            "CONTEXT",
            r"immuno ?(suppress|compromis)\w*|transplant|\bhiv\b|neutropeni|on steroids"
            r"|chemotherapy",
            "immunosuppression",
        ),
        ("CONTEXT", r"\bfever|febrile|\bsepsis\b|\bseptic\b|rigors|\bwbc\b", "fever or sepsis"),
        (
            "CONTEXT",
            r"\b(cancer|malignan\w*|metasta\w*|lymphoma|myeloma|carcinoma)\b",
            "a cancer history",
        ),
        ("CONTEXT", r"\belderly\b|\b(7[5-9]|[89]\d|1[01]\d) ?(yo|y o|year old|years old)\b", "age"),
    ]
)


# Current Patient Location (0038,0300) words: the patient's setting, a fact of the order.
PATIENT_SETTINGS = terms(
    [
        (
            "EMERGENCY",
            r"\bed\b|\ber\b|emerg|\ba ?& ?e\b|casualty|resus|trauma bay|\bnotaufnahme",
            "the emergency department",
        ),
        (
            "INPATIENT",
            r"\bward\b|\bicu\b|\bccu\b|\bnicu\b|\bpicu\b|inpatient|\bbed\b|\broom\b|\bstation\b"
            r"|intensive|\bhdu\b|\bfloor\b",
            "an inpatient ward",
        ),
    ]
)


def setting_of(location: str) -> Term | None:
    """Whether a patient location names the emergency department or a ward, else None."""
    return first_match(PATIENT_SETTINGS, f" {location.lower()} ") if location else None


# Patient class (HL7 table 0004, PV1-2; a FHIR encounter class is stored as its code): the
# classes whose setting asks for more than a routine read.
PATIENT_CLASS_SETTINGS = {"E": "the emergency department", "I": "an inpatient ward"}


def setting_of_class(patient_class: str) -> str | None:
    """The setting a patient class names (E emergency, I inpatient), else None."""
    return PATIENT_CLASS_SETTINGS.get(patient_class.strip().upper())


@dataclass(frozen=True, slots=True)
class AcuityShift:
    """How far the text moves the category acuity (-1, 0 or +1), and the cue that decided."""

    steps: int = 0
    cue: str = ""
    mixed: bool = False  # raising and lowering words both: the usual acuity, less surely


def acuity_shift(clauses: Sequence[str], is_negated: Callable[[str, int], bool]) -> AcuityShift:
    """Read the modifiers of acuity in the clauses of spelled-out referral text."""
    raising = _found(RAISING_TIME_WORDS, clauses, is_negated) or _found(
        PATIENT_CONTEXT, clauses, is_negated
    )
    lowering = _found(NEURO_INTACT_TERMS, clauses, None) or _found(
        LOWERING_TIME_WORDS, clauses, is_negated
    )
    if raising and not lowering:
        return AcuityShift(1, raising)
    if lowering and not raising:
        return AcuityShift(-1, lowering)
    return AcuityShift(mixed=bool(raising))  # both, or neither: the category's usual acuity


def _found(
    table: tuple[Term, ...], clauses: Sequence[str], is_negated: Callable[[str, int], bool] | None
) -> str:
    for clause in clauses:
        for term in table:
            match = term.pattern.search(clause)
            if match is not None and not (is_negated and is_negated(clause, match.start())):
                return f"'{match.group(0).strip()}' ({term.words})"
    return ""
