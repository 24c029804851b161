"""Screen captures, reports and exam summaries: series of pictures of other series."""

from app.classification.series_header import SeriesHeader
from app.classification.text import first_match, normalise, terms

# "SaveBySlc" (a UIH storage option in a diffusion name) is not a screen save: whole words only.
CAPTURE_TERMS = terms(
    [
        (
            "OTHER",
            r"screen|\bsave\b|\breport|(?<!low )\bdose\b|\bcapture|summary|patient protocol",
            "a screen capture, report or exam summary",
        )
    ]
)
CAPTURE_TOKENS = frozenset(
    {"SCREEN SAVE", "CSAREPORT", "CSA REPORT", "PATIENT_INFO", "RESULTS", "DOSE_INFO"}
)


def capture_reason(header: SeriesHeader) -> str | None:
    """Why the series is a screen capture or exam summary, or None when it is not one."""
    if set(header.image_type) & CAPTURE_TOKENS:
        return "ImageType marks a screen save, report or summary page"
    term = first_match(CAPTURE_TERMS, normalise(header.series_description, header.protocol_name))
    return f"series description names {term.words}" if term is not None else None
