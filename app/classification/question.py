"""Referral free text and ICD-10 codes → routing categories, urgency and reasons."""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from difflib import get_close_matches

from app.classification.acuity import AcuityShift, acuity_shift
from app.classification.confidence import Confidence, categories_confidence
from app.classification.icd10 import ICD10_CATEGORIES, ICD10_STAT_PREFIXES
from app.classification.question_cues import (
    DEFICIT_TERMS,
    HISTORY_CUES,
    NEURO_INTACT_TERMS,
    STAT_TERMS,
    URGENT_TERMS,
    negated,
)
from app.classification.question_terms import (
    ABBREVIATIONS,
    CATEGORY_TERMS,
    FUZZY_VOCABULARY,
    MISSPELLINGS,
)
from app.classification.text import Term, first_match
from app.classification.vocabulary import (
    CATEGORY_BY_NAME,
    URGENCY_BY_NAME,
    URGENCY_ORDER,
    Category,
    Urgency,
)

_ABBREVIATION = re.compile(
    r"(?<![\w/])("
    + "|".join(re.escape(key) for key in sorted(ABBREVIATIONS, key=len, reverse=True))
    + r")(?![\w/])"
)
_WORD = re.compile(r"[a-z]{5,}")
_CLAUSE_BREAK = re.compile(r"[.;,?!:()]| - |\bbut\b|\bhowever\b")
_ICD10 = re.compile(r"\b([A-TV-Z][0-9][0-9A-Z](?:\.[0-9A-Z]{1,4})?)\b")
FUZZY_CUTOFF = 0.85
FUZZY_MIN_LENGTH = 8  # shorter words are too easily "corrected" into another word
ICD_CATEGORIES_LONGEST_FIRST = sorted(ICD10_CATEGORIES, key=lambda row: -len(row[0]))


@dataclass(frozen=True, slots=True)
class QuestionClassification:
    """What the referrer is asking, how urgently, and why."""

    categories: tuple[Category, ...]
    urgency: Urgency
    reasons: tuple[str, ...]
    acuity: AcuityShift = AcuityShift()
    categories_confidence: Confidence = "high"


def classify_question(text: str, codes: Iterable[str] = ()) -> QuestionClassification:
    """Classify referral text plus any ICD-10 codes given separately or inside the text."""
    found: dict[str, str] = {}
    urgency: Urgency = "ROUTINE"
    reasons: list[str] = []
    clauses = [clause for clause in _CLAUSE_BREAK.split(spell_out(text)) if clause.strip()]
    for clause in clauses:
        _collect_categories(clause, found, reasons)
        clause_urgency, why = _clause_urgency(clause)
        if URGENCY_ORDER.index(clause_urgency) > URGENCY_ORDER.index(urgency):
            urgency, reasons = clause_urgency, [*reasons, why]
    for code in [*codes, *_ICD10.findall(text.upper())]:
        urgency = _apply_code(code.upper(), found, urgency, reasons)
    _add_trauma_deficit(clauses, found)
    shift = acuity_shift(clauses, negated)
    if shift.steps >= 0:
        urgency = _infection_with_deficit(clauses, found, urgency, reasons)
    categories = tuple(CATEGORY_BY_NAME[name] for name in sorted(found))
    reasons = [found[category] for category in categories] + reasons
    if not categories:
        reasons.insert(0, "no routing category recognised in the question")
    confidence = categories_confidence(text, categories)
    return QuestionClassification(categories, urgency, tuple(reasons), shift, confidence)


def spell_out(text: str) -> str:
    """Lower-case, expand abbreviations, and correct common and near misspellings."""
    lowered = _ABBREVIATION.sub(lambda match: ABBREVIATIONS[match.group(1)], text.lower())
    return _WORD.sub(_correct_spelling, lowered)


def _correct_spelling(match: re.Match[str]) -> str:
    word = match.group(0)
    if word in MISSPELLINGS:
        return MISSPELLINGS[word]
    if len(word) < FUZZY_MIN_LENGTH:
        return word
    close = get_close_matches(word, FUZZY_VOCABULARY, n=1, cutoff=FUZZY_CUTOFF)
    return close[0] if close else word


def _collect_categories(clause: str, found: dict[str, str], reasons: list[str]) -> None:
    for term in CATEGORY_TERMS:
        match = term.pattern.search(clause)
        if match is None or term.label in found:
            continue
        if negated(clause, match.start()):
            reasons.append(f"'{match.group(0)}' is negated, so not {term.label}")
        else:
            found[term.label] = f"'{match.group(0)}' means {term.words}: {term.label}"


def _clause_urgency(clause: str) -> tuple[Urgency, str]:
    historical = first_match(HISTORY_CUES, clause) is not None
    for level, table in (("STAT", STAT_TERMS), ("URGENT", URGENT_TERMS)):
        cue = _live_cue(table, clause)
        if cue is not None and not (historical and level == "STAT"):
            return URGENCY_BY_NAME[level], f"{level}: the question mentions {cue.words}"
    return "ROUTINE", ""


def _live_cue(table: tuple[Term, ...], clause: str) -> Term | None:
    for term in table:
        match = term.pattern.search(clause)
        if match is not None and not negated(clause, match.start()):
            return term
    return None


def _apply_code(code: str, found: dict[str, str], urgency: Urgency, reasons: list[str]) -> Urgency:
    for prefix, category in ICD_CATEGORIES_LONGEST_FIRST:
        if code.startswith(prefix):
            found.setdefault(category, f"ICD-10 {code}: {category}")
            break
    stat_code = code.startswith(ICD10_STAT_PREFIXES)
    initial_encounter = not code.startswith("S") or code.endswith("A")
    if stat_code and initial_encounter and urgency != "STAT":
        reasons.append(f"STAT: ICD-10 {code} is an emergency diagnosis")
        return "STAT"
    return urgency


def _add_trauma_deficit(clauses: list[str], found: dict[str, str]) -> None:
    """Trauma plus a live deficit, unless the patient is said to be neurologically intact."""
    if "TRAUMA" not in found or "TRAUMA_NEURO_DEFICIT" in found:
        return
    text = " , ".join(clauses)
    if first_match(NEURO_INTACT_TERMS, text) is not None:
        found["TRAUMA"] += "; the patient is neurologically intact"
        return
    if any(_live_cue(DEFICIT_TERMS, clause) for clause in clauses):
        found["TRAUMA_NEURO_DEFICIT"] = "trauma with a neurological deficit: TRAUMA_NEURO_DEFICIT"


def _infection_with_deficit(
    clauses: list[str], found: dict[str, str], urgency: Urgency, reasons: list[str]
) -> Urgency:
    """Infection with a live neurological deficit not said to be lasting: an abscess may be
    compressing the cord or the cauda equina, a surgical emergency whatever the infection's
    usual acuity."""
    if "INFECTION" not in found or urgency == "STAT":
        return urgency
    deficit = next((cue for clause in clauses if (cue := _live_cue(DEFICIT_TERMS, clause))), None)
    if deficit is None:
        return urgency
    reasons.append(f"STAT: an infection with {deficit.words} (an abscess compressing the cord?)")
    return "STAT"
