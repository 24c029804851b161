"""Whether a series was acquired after contrast, from ContrastBolusAgent and the description."""

from app.classification.mr_names import POST_CONTRAST_WORDS, PRE_CONTRAST_WORDS
from app.classification.series_header import SeriesHeader
from app.classification.text import first_match, normalise

EMPTY_AGENT_VALUES = frozenset({"", "NONE", "NO", "N/A", "NA", "0", "-"})
SUBTRACTION_TOKENS = frozenset({"SUB", "SUBTRACTION", "SUBTRACT"})
# ImageType (or FrameType) values of perfusion maps, CT and MR alike.
PERFUSION_MAP_TOKENS = frozenset(
    {"PERFUSION", "RELCBF", "RELCBV", "RELMTT", "RCBF", "RCBV", "TTP", "CBF", "CBV"}
)


def contrast_agent_given(header: SeriesHeader) -> bool:
    """ContrastBolusAgent holds a real agent name."""
    return header.contrast_bolus_agent.strip().upper() not in EMPTY_AGENT_VALUES


def mr_contrast(header: SeriesHeader) -> tuple[bool, str]:
    """Post-contrast or not, with the reason; the description can say pre/native over the tag."""
    text = normalise(header.series_description, header.protocol_name)
    if set(header.image_type) & SUBTRACTION_TOKENS:
        return True, "ImageType marks a subtraction: post minus pre contrast"
    pre = first_match(PRE_CONTRAST_WORDS, text)
    if pre is not None:
        return False, "description says pre-contrast"
    if contrast_agent_given(header):
        return True, f"ContrastBolusAgent is {header.contrast_bolus_agent!r}"
    post = first_match(POST_CONTRAST_WORDS, text)
    if post is not None:
        return True, "description says post-contrast"
    return False, "no ContrastBolusAgent and no contrast in the description"
