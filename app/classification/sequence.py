"""Series → sequence type, plane, fat suppression and contrast, from the header alone."""

from dataclasses import dataclass, field
from typing import Any

from app.classification.captures import capture_reason
from app.classification.confidence import (
    Confidence,
    fat_sat_confidence,
    plane_confidence,
    sequence_confidence,
)
from app.classification.contrast import contrast_agent_given, mr_contrast
from app.classification.ct import classify_ct
from app.classification.mr_names import FAT_SAT_WORDS
from app.classification.mr_series import classify_mr
from app.classification.plane import SeriesKind, classify_plane
from app.classification.series_header import SeriesHeader
from app.classification.sop_classes import is_image_storage
from app.classification.text import first_match, normalise
from app.classification.vocabulary import SEQUENCE_BY_NAME, Plane, Sequence

FAT_SAT_APPLIES: frozenset[str] = frozenset(
    {"T1", "T1_POST", "T2", "PD", "FLAIR", "STIR", "T2STAR_GRE"}
)
FAT_SAT_SCAN_OPTIONS = frozenset({"FS", "FAT", "FSA", "FSS", "SFS", "WE", "SPIR", "SPAIR", "CHESS"})
DIXON_WATER_TOKENS = frozenset({"WATER", "W"})
DIXON_PHASE_TOKENS = frozenset({"IN_PHASE", "OUT_PHASE", "OPP_PHASE", "IP", "OP"})
# Siemens and GE write every fat-saturation pulse into ScanOptions; others may not.
SCAN_OPTIONS_COMPLETE = ("SIEMENS", "GE")
CT_CONTRAST_LABELS = frozenset({"CT_CONTRAST", "CT_ANGIO"})


@dataclass(frozen=True, slots=True)
class SeriesClassification:
    """What a series is, in the words of DESIGN.md, and why."""

    sequence: Sequence
    plane: Plane
    fat_sat: bool | None
    contrast: bool
    reasons: tuple[str, ...]
    confidence: dict[str, Confidence | None] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """JSON-ready dict with the keys of the `classify-series` output."""
        return {
            "sequence": self.sequence,
            "plane": self.plane,
            "fat_sat": self.fat_sat,
            "contrast": self.contrast,
            "confidence": self.confidence,
            "reasons": list(self.reasons),
        }


def classify_series(header: SeriesHeader) -> SeriesClassification:
    """Classify one MR or CT series from its header."""
    if header.sop_class_uid and not is_image_storage(header.sop_class_uid):
        reason = f"SOP class {header.sop_class_uid} holds no images: left out of classification"
        certain: dict[str, Confidence | None] = {"sequence": "high", "plane": "high"}
        return SeriesClassification(
            SEQUENCE_BY_NAME["OTHER"], "unknown", None, False, (reason,), certain
        )
    if header.modality == "CT":
        label, reasons = classify_ct(header)
        contrast = label in CT_CONTRAST_LABELS or (
            label == "PERFUSION" and contrast_agent_given(header)
        )
        fat_sat: bool | None = None
        fat_reason = ""
    elif header.modality == "MR":
        label, reasons = classify_mr(header)
        contrast, contrast_reason = mr_contrast(header)
        if label == "T1" and contrast:
            label = "T1_POST"
            reasons.append(f"T1-weighted and post-contrast ({contrast_reason}): T1_POST")
        fat_sat, fat_reason = _fat_sat(header, label)
        if fat_reason:
            reasons.append(fat_reason)
    else:
        label, contrast, fat_sat, fat_reason = "OTHER", False, None, ""
        reasons = [f"modality {header.modality or 'missing'} is neither MR nor CT"]
    confidence = {
        "sequence": sequence_confidence(header, label, reasons),
        "fat_sat": fat_sat_confidence(fat_sat, fat_reason),
    }
    plane, plane_reason = classify_plane(header, _plane_kind(header, label))
    reasons.append(plane_reason)
    confidence["plane"] = plane_confidence(plane, plane_reason)
    sequence = SEQUENCE_BY_NAME[label]
    return SeriesClassification(sequence, plane, fat_sat, contrast, tuple(reasons), confidence)


def _plane_kind(header: SeriesHeader, label: str) -> SeriesKind:
    if label == "LOCALIZER":
        return "LOCALIZER"
    if label == "OTHER" and capture_reason(header) is not None:
        return "CAPTURE"
    return "IMAGE"


def _fat_sat(header: SeriesHeader, label: str) -> tuple[bool | None, str]:
    if label not in FAT_SAT_APPLIES:
        return None, ""
    if label == "STIR":
        return True, "STIR suppresses fat"
    image_type = set(header.image_type)
    if image_type & DIXON_WATER_TOKENS:
        return True, "ImageType marks a Dixon water image: fat suppressed"
    if image_type & DIXON_PHASE_TOKENS:
        return False, "ImageType marks a Dixon in/opposed-phase image: no fat suppression"
    if set(header.scan_options) & FAT_SAT_SCAN_OPTIONS:
        return True, "ScanOptions include fat saturation"
    if header.scan_options and header.manufacturer.upper().startswith(SCAN_OPTIONS_COMPLETE):
        return False, "ScanOptions list no fat saturation (this vendor always lists it)"
    words = first_match(FAT_SAT_WORDS, normalise(header.series_description, header.protocol_name))
    if words is not None:
        return words.label == "YES", f"description says {words.words}"
    return False, "no fat suppression in ScanOptions or description"
