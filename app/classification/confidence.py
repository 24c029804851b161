"""How sure each classification is: `high`, `medium` or `low`.

One rule for every answer: `high` when two independent cues agree (the header's physics and
the series description, BodyPartExamined and the study description, a recognised category and
no modifier pulling against it); `medium` when one strong cue decided alone; `low` when the cues
disagree, when only a weak cue decided (a description with no acquisition tags beside it, the
clinical question naming an anatomy) or when nothing did and a default answered. A low answer
is marked on the task so that a person looks.

The classifiers word their reasons in a fixed way; the deciding reason comes first and says
where the answer came from, which is what is read here.
"""

from typing import Literal

from app.classification.mr_names import DESCRIPTION_KIND_TERMS, DESCRIPTION_WEIGHTING_TERMS
from app.classification.series_header import SeriesHeader
from app.classification.text import first_match, normalise

Confidence = Literal["high", "medium", "low"]

# How a reason says the series description decided, or that nothing did.
_FROM_DESCRIPTION = ("description ", "series description ")
_UNDECIDED = ("neither physics tags",)
_DISAGREEMENT = "overrule"
# Labels a description names for the same series type as the classifier's label.
_SAME_TYPE = {"T1_POST": "T1", "MRV": "MRA"}


def sequence_confidence(header: SeriesHeader, label: str, reasons: list[str]) -> Confidence:
    """The sequence type's: physics and description agreeing, either alone (the description
    where the acquisition tags allow what it names), or weaker."""
    deciding = reasons[0] if reasons else ""
    if deciding.startswith(_UNDECIDED) or any(_DISAGREEMENT in reason for reason in reasons):
        return "low"
    if deciding.startswith(_FROM_DESCRIPTION):
        return "medium" if _has_physics(header) else "low"
    named = _named_type(header)
    if named is not None and named == _SAME_TYPE.get(label, label):
        return "high"
    if any(reason.startswith(_FROM_DESCRIPTION) for reason in reasons[1:]):
        return "high"  # a CT contrast phase: the agent given and the description's timing
    return "medium"


def plane_confidence(plane: str, reason: str) -> Confidence:
    """The plane's: the orientation (or a convention) decides; a description alone is weak."""
    if reason.startswith("no ImageOrientationPatient"):
        return "low"
    if "(oblique)" in reason:
        return "medium"
    return "high"


def fat_sat_confidence(fat_sat: bool | None, reason: str) -> Confidence | None:
    """Fat suppression's: ScanOptions, STIR or Dixon decide; the description alone, or the
    default when nothing says, less so. None where fat suppression does not apply."""
    if fat_sat is None:
        return None
    if reason.startswith(("description says", "no fat suppression in ScanOptions")):
        return "medium"  # most series are not fat-suppressed: the default is seldom wrong
    return "high"


def categories_confidence(question: str, categories: tuple[str, ...]) -> Confidence:
    """The question categories': a question the classifier could not read is for a person."""
    if question.strip() and not categories:
        return "low"
    return "high"


def urgency_confidence(
    decided_by_order_or_cue: bool, categories: tuple[str, ...], steps: int, mixed: bool
) -> Confidence:
    """The urgency's: an order fact or an explicit cue is certain; a category's acuity with no
    modifier high, moved by one modifier medium; modifiers pulling both ways, or nothing
    recognised in the question, low."""
    if decided_by_order_or_cue:
        return "high"
    if mixed or not categories:
        return "low"
    return "medium" if steps else "high"


def _has_physics(header: SeriesHeader) -> bool:
    """Acquisition tags that could have contradicted the description, and did not."""
    if header.modality == "CT":
        return True  # its contrast tags are read before the description is
    named = header.sequence_name or header.pulse_sequence_name or header.scanning_technique
    return bool(header.scanning_sequence or named or header.repetition_time)


def _named_type(header: SeriesHeader) -> str | None:
    description = normalise(header.series_description, header.protocol_name)
    for table in (DESCRIPTION_KIND_TERMS, DESCRIPTION_WEIGHTING_TERMS):
        term = first_match(table, description)
        if term is not None:
            return term.label
    return None
