"""Weighting from acquisition physics: scanning sequence, TR, TE, TI and flip angle."""

from dataclasses import dataclass

from app.classification.series_header import SeriesHeader

# Thresholds a neuroradiologist uses at 1.5 and 3 T (milliseconds, degrees).
STIR_MAX_TI = 350.0
FLAIR_MIN_TI = 1400.0
T1_MAX_TR = 1000.0
T1_MAX_TE = 35.0
PD_MAX_TE = 40.0
T2_MIN_TE = 60.0
PD_T2_SPLIT_TE = 50.0
T2STAR_MIN_TE = 9.0


@dataclass(frozen=True, slots=True)
class Physics:
    """A weighting read from the physics tags, and the sentence that explains it."""

    label: str
    reason: str
    ambiguous_with: str | None = None


def family_from_tags(header: SeriesHeader) -> str | None:
    """Sequence family from ScanningSequence/ScanOptions when no vendor name says it."""
    scanning = set(header.scanning_sequence)
    inversion = header.inversion_time or 0.0
    if "IR" in scanning or "IR" in header.scan_options or inversion > 0:
        return "IR"
    if "EP" in scanning:
        return "EPI"
    if "GR" in scanning:
        return "SSFP" if {"SS", "TRSS"} & set(header.sequence_variant) else "GRE"
    if "SE" in scanning:
        return "SE"
    return None


def weighting_from_physics(header: SeriesHeader, family: str) -> Physics | None:
    """Turn a sequence family plus TR/TE/TI into a weighting, or None when tags are missing."""
    if family == "IR":
        return _inversion_recovery(header)
    if family == "GRE":
        return _gradient_echo(header)
    if family == "SSFP":
        return Physics("T2", "balanced steady-state free precession, T2-like contrast")
    if family == "SE":
        return _spin_echo(header)
    return None


def _ms(value: float | None) -> str:
    return f"{value:g} ms" if value is not None else "missing"


def _inversion_recovery(header: SeriesHeader) -> Physics | None:
    inversion = header.inversion_time
    if inversion is None or inversion <= 0:
        return None
    gradient = "GR" in header.scanning_sequence and "SE" not in header.scanning_sequence
    said = f"inversion recovery with TI {_ms(inversion)}"
    if inversion >= FLAIR_MIN_TI:
        return Physics("FLAIR", f"{said}: long TI nulls fluid, FLAIR")
    if inversion <= STIR_MAX_TI and not gradient:
        return Physics("STIR", f"{said}: short TI nulls fat, STIR")
    return Physics("T1", f"{said} and TR {_ms(header.repetition_time)}: T1-weighted IR")


def _gradient_echo(header: SeriesHeader) -> Physics | None:
    echo = header.echo_time
    if echo is None:
        return None
    flip = header.flip_angle
    if echo >= T2STAR_MIN_TE and (flip is None or flip <= 45):
        return Physics("T2STAR_GRE", f"gradient echo with TE {_ms(echo)}: T2*-weighted")
    return Physics("T1", f"spoiled gradient echo with short TE {_ms(echo)}: T1-weighted")


def _spin_echo(header: SeriesHeader) -> Physics | None:
    repetition, echo = header.repetition_time, header.echo_time
    if echo is None:
        return None
    timing = f"spin echo with TR {_ms(repetition)} / TE {_ms(echo)}"
    if echo >= T2_MIN_TE:
        return Physics("T2", f"{timing}: long TE, T2-weighted")
    if repetition is None:
        return None
    if repetition < T1_MAX_TR and echo <= T1_MAX_TE:
        return Physics("T1", f"{timing}: short TR and TE, T1-weighted")
    if repetition < T1_MAX_TR:
        return None
    if echo <= PD_MAX_TE:
        return Physics("PD", f"{timing}: long TR, short TE, proton density")
    label = "PD" if echo < PD_T2_SPLIT_TE else "T2"
    other = "T2" if label == "PD" else "PD"
    return Physics(label, f"{timing}: intermediate TE, {label} by TE", ambiguous_with=other)
