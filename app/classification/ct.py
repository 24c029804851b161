"""CT series: localizer, angiographic timing, organ-phase contrast or non-contrast."""

from app.classification.captures import capture_reason
from app.classification.contrast import PERFUSION_MAP_TOKENS, contrast_agent_given
from app.classification.series_header import SeriesHeader
from app.classification.text import first_match, normalise, terms

CT_KIND_TERMS = terms(
    [
        ("LOCALIZER", r"topogram|scout|surview|localizer|localiser|\bscano", "a localizer"),
        ("PERFUSION", r"perf|\bcbf|\bcbv|\bmtt|tmax|\bttp", "CT perfusion"),
    ]
)
CT_NONCONTRAST_TERMS = terms(
    [
        (
            "CT_NONCONTRAST",
            r"\bvnc|virtual non|non ?con|noncontrast|\bwo\b|without|\bnc\b|\bpre\b|native"
            r"|\bplain\b",
            "non-contrast",
        )
    ]
)
CT_ANGIO_TERMS = terms(
    [
        (
            "CT_ANGIO",
            r"\bcta|angio|ctpa|\bpe (study|protocol)|run ?off|\bcow\b|circle of willis|carotid"
            r"|aort|bolus ?track",
            "angiographic",
        )
    ]
)
CT_LATE_PHASE_TERMS = terms(
    [("CT_CONTRAST", r"venous|portal|\bpv\b|delay|nephro|excret|urogra|equilib", "an organ phase")]
)
CT_POST_TERMS = terms(
    [("CT_CONTRAST", r"\bpost|contrast|enhanc|arterial|\bart\b|\bc\b|\biv\b", "post-contrast")]
)
VNC_TOKENS = frozenset({"VNC", "VIRTUAL_NON_CONTRAST", "VIRTUAL NON CONTRAST"})
LOCALIZER_TOKENS = frozenset({"LOCALIZER", "SCOUT", "TOPOGRAM"})


def classify_ct(header: SeriesHeader) -> tuple[str, list[str]]:
    """The CT sequence type and the reasons for it."""
    series_text = normalise(header.series_description, header.protocol_name)
    if set(header.image_type) & LOCALIZER_TOKENS:
        return "LOCALIZER", ["ImageType says LOCALIZER"]
    capture = capture_reason(header)
    if capture is not None:
        return "OTHER", [capture]
    if set(header.image_type) & PERFUSION_MAP_TOKENS:
        return "PERFUSION", ["ImageType marks a perfusion map"]
    kind = first_match(CT_KIND_TERMS, series_text)
    if kind is not None:
        return kind.label, [f"series description names {kind.words}"]
    if set(header.image_type) & VNC_TOKENS:
        return "CT_NONCONTRAST", ["ImageType marks virtual non-contrast"]
    noncontrast = first_match(CT_NONCONTRAST_TERMS, series_text)
    if noncontrast is not None:
        return "CT_NONCONTRAST", [f"series description says {noncontrast.words}"]
    post = first_match(CT_POST_TERMS, series_text) or first_match(CT_LATE_PHASE_TERMS, series_text)
    if contrast_agent_given(header):
        return _contrast_phase(header, series_text, "ContrastBolusAgent is set")
    if post is not None:
        return _contrast_phase(header, series_text, f"series description says {post.words}")
    return "CT_NONCONTRAST", ["no ContrastBolusAgent and no contrast in the description"]


def _contrast_phase(header: SeriesHeader, series_text: str, evidence: str) -> tuple[str, list[str]]:
    late = first_match(CT_LATE_PHASE_TERMS, series_text)
    if late is not None:
        return "CT_CONTRAST", [evidence, f"series description names {late.words}"]
    angio = first_match(CT_ANGIO_TERMS, series_text)
    if angio is not None:
        return "CT_ANGIO", [evidence, "series description names angiographic timing"]
    study_angio = first_match(CT_ANGIO_TERMS, normalise(header.study_description))
    if study_angio is not None:
        return "CT_ANGIO", [evidence, "study is a CT angiogram and this series is arterial"]
    return "CT_CONTRAST", [evidence, "no angiographic timing named: organ phase"]
