"""MR sequence type: vendor names and ImageType first, then physics, then the description."""

from app.classification.captures import capture_reason
from app.classification.contrast import PERFUSION_MAP_TOKENS, contrast_agent_given
from app.classification.mr_names import (
    DESCRIPTION_KIND_TERMS,
    DESCRIPTION_WEIGHTING_TERMS,
    VENDOR_SEQUENCE_TERMS,
)
from app.classification.mr_physics import Physics, family_from_tags, weighting_from_physics
from app.classification.series_header import SeriesHeader
from app.classification.text import Term, first_match, normalise

# ImageType tokens that name what a derived or special series is, in priority order.
IMAGE_TYPE_KINDS: tuple[tuple[frozenset[str], str, str], ...] = (
    (frozenset({"LOCALIZER"}), "LOCALIZER", "ImageType says LOCALIZER"),
    (
        frozenset({"EADC", "EXP", "FA", "TENSOR", "COLFA"}),
        "OTHER",
        "ImageType marks eADC/FA/tensor",
    ),
    (
        frozenset({"PHASE MAP", "FIELD_MAP", "FIELDMAP", "B0_MAP", "B0MAP"}),
        "OTHER",
        "ImageType marks a field or phase map",
    ),
    (frozenset({"ADC"}), "ADC", "ImageType says ADC"),
    (frozenset({"TRACEW", "TRACE"}), "DWI", "ImageType says TRACEW (diffusion trace)"),
    (PERFUSION_MAP_TOKENS, "PERFUSION", "ImageType marks a perfusion map"),
    (frozenset({"FAT", "FAT_ONLY", "F"}), "OTHER", "ImageType marks a Dixon fat-only image"),
    (frozenset({"SWI", "MNIP", "MINIP"}), "SWI", "ImageType marks susceptibility-weighted images"),
)
# Kinds a description may name only when the tags do not show a spin-echo or IR acquisition.
KINDS_NEEDING_GRE_OR_EPI = frozenset({"SWI", "MRA", "MRV", "PERFUSION", "DWI", "ADC"})
CONFIDENT_FAMILIES = frozenset({"SE", "IR", "SSFP"})
WEIGHTING_LABELS = frozenset({"T1", "T2"})
FAMILIES = frozenset({"IR", "GRE", "SE", "SSFP", "EPI"})


def classify_mr(header: SeriesHeader) -> tuple[str, list[str]]:
    """The MR sequence type and the reasons for it."""
    description = normalise(header.series_description, header.protocol_name)
    named_kind = first_match(DESCRIPTION_KIND_TERMS, description)
    capture = capture_reason(header)
    if capture is not None:
        return "OTHER", [capture]
    for tokens, label, reason in IMAGE_TYPE_KINDS:
        if set(header.image_type) & tokens:
            return _venous_if_named(label, named_kind), [reason]
    if named_kind is not None and named_kind.label == "LOCALIZER":
        return "LOCALIZER", [f"description names {named_kind.words}"]
    if header.distinct_orientations >= 3:
        return "LOCALIZER", ["images in three orientations: tri-plane localizer"]
    vendor = first_match(VENDOR_SEQUENCE_TERMS, _vendor_text(header))
    family = _family(vendor, family_from_tags(header))
    special = _special_kind(header, vendor, named_kind, family)
    if special is not None:
        return special
    return _weighting(header, vendor, family, description)


def _family(vendor: Term | None, tag_family: str | None) -> str | None:
    """Vendor names say TSE for STIR and FLAIR too; an inversion pulse in the tags wins."""
    vendor_family = vendor.label if vendor is not None and vendor.label in FAMILIES else None
    if tag_family == "IR" and vendor_family in {None, "SE", "GRE"}:
        return "IR"
    return vendor_family or tag_family


def _vendor_text(header: SeriesHeader) -> str:
    parts = (header.sequence_name, header.pulse_sequence_name, header.scanning_technique)
    return " " + " ".join(part.lower() for part in parts if part) + " "


def _venous_if_named(label: str, named_kind: Term | None) -> str:
    if label == "MRA" and named_kind is not None and named_kind.label == "MRV":
        return "MRV"
    return label


def _special_kind(
    header: SeriesHeader, vendor: Term | None, named_kind: Term | None, family: str | None
) -> tuple[str, list[str]] | None:
    """Series types that are not a plain weighting: diffusion, SWI, angiography, perfusion…"""
    if vendor is not None and vendor.label not in FAMILIES and vendor.label not in WEIGHTING_LABELS:
        said = f"sequence name {_vendor_name(header)} is {vendor.words}"
        if (
            vendor.label == "DWI"
            and named_kind is not None
            and named_kind.label in {"ADC", "OTHER"}
        ):
            return named_kind.label, [said, f"description names {named_kind.words}"]
        return _venous_if_named(vendor.label, named_kind), [said]
    if header.diffusion_b_value is not None and header.diffusion_b_value > 0:
        return "DWI", [f"DiffusionBValue {header.diffusion_b_value:g}: diffusion-weighted"]
    if header.acquisition_contrast in {"DIFFUSION", "PERFUSION"}:
        label = "DWI" if header.acquisition_contrast == "DIFFUSION" else "PERFUSION"
        return label, [f"AcquisitionContrast is {header.acquisition_contrast}"]
    if named_kind is None:
        return None
    contradicted = named_kind.label in KINDS_NEEDING_GRE_OR_EPI and family in CONFIDENT_FAMILIES
    if contradicted:
        return None
    return named_kind.label, [f"description names {named_kind.words}"]


def _vendor_name(header: SeriesHeader) -> str:
    return header.sequence_name or header.pulse_sequence_name or header.scanning_technique


def _weighting(
    header: SeriesHeader, vendor: Term | None, family: str | None, description: str
) -> tuple[str, list[str]]:
    named = first_match(DESCRIPTION_WEIGHTING_TERMS, description)
    physics: Physics | None
    if vendor is not None and vendor.label in WEIGHTING_LABELS:
        physics = Physics(vendor.label, f"sequence name {_vendor_name(header)} is {vendor.words}")
    else:
        physics = weighting_from_physics(header, family) if family else None
    if physics is None:
        if named is not None:
            return named.label, [f"description says {named.words}; physics tags do not decide"]
        if family == "EPI" and contrast_agent_given(header):
            return "PERFUSION", ["gradient-echo EPI during a contrast bolus: DSC perfusion"]
        if family == "EPI":
            return "OTHER", ["echo-planar imaging without diffusion or perfusion marks"]
        return "OTHER", ["neither physics tags nor the description name a weighting"]
    if named is None or named.label == physics.label:
        return physics.label, [physics.reason]
    if physics.ambiguous_with == named.label:
        return named.label, [physics.reason, f"description says {named.words}, which TE allows"]
    overruled = f"description says {named.words} but the physics tags overrule it"
    return physics.label, [physics.reason, overruled]
