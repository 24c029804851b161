"""Imaging plane from ImageOrientationPatient, with the 3D, scout and capture conventions.

DESIGN.md: the dominant axis of the slice normal; `3D` for a 3D acquisition with partitions
of at most 1.5 mm (SliceThickness, else SpacingBetweenSlices, else the step between instance
positions) and for a 3D scout itself; reformats (MPRs) of a scout get their display plane;
tri-plane localizers, projections' planes and screen captures `unknown`.
"""

from typing import Literal

from app.classification.series_geometry import slice_normal
from app.classification.series_header import SeriesHeader
from app.classification.text import first_match, normalise, terms
from app.classification.vocabulary import PLANE_BY_NAME, Plane

THIN_PARTITION_MM = 1.5
PROJECTION_TOKENS = frozenset({"MIP", "MNIP", "MINIP", "VR", "VRT", "PROJECTION IMAGE", "VOLUME"})
REFORMAT_TOKENS = frozenset({"MPR", "REFORMATTED", "CPR", "MPR THICK"})
_AXIS_PLANES: tuple[Plane, Plane, Plane] = ("SAG", "COR", "AX")
DESCRIPTION_PLANES = terms(
    [
        ("AX", r"\b(ax|axi|axial|tra|trans|transverse|tra\w*)\b", "axial"),
        ("SAG", r"\b(sag|sagittal)", "sagittal"),
        ("COR", r"\b(cor|coronal)", "coronal"),
        ("3D", r"\b3d\b", "3D"),
    ]
)
# What kind of series asks for a plane convention of its own.
SeriesKind = Literal["LOCALIZER", "CAPTURE", "IMAGE"]


def classify_plane(header: SeriesHeader, kind: SeriesKind = "IMAGE") -> tuple[Plane, str]:
    """The plane and the sentence explaining it."""
    reformat = bool(set(header.image_type) & REFORMAT_TOKENS)
    if kind == "CAPTURE":
        return "unknown", "a screen capture or exam summary has no plane"
    if kind == "LOCALIZER":
        return _localizer_plane(header, reformat)
    if header.distinct_orientations > 1:
        return "unknown", "images in several orientations: no single plane"
    if set(header.image_type) & PROJECTION_TOKENS:
        return "3D", "ImageType marks a MIP/volume rendering projection: 3D"
    partition, source = _partition(header)
    if header.mr_acquisition_type == "3D" and not reformat and partition is not None:
        if partition <= THIN_PARTITION_MM:
            return "3D", f"3D acquisition with {partition:g} mm partitions ({source}): 3D"
    if header.image_orientation_patient is not None:
        return _plane_from_orientation(header.image_orientation_patient)
    term = first_match(DESCRIPTION_PLANES, normalise(header.series_description))
    if term is not None:
        return PLANE_BY_NAME[
            term.label
        ], f"no ImageOrientationPatient; description says {term.words}"
    return "unknown", "no ImageOrientationPatient and no plane in the description"


def _localizer_plane(header: SeriesHeader, reformat: bool) -> tuple[Plane, str]:
    """A 3D scout is 3D, a reformat of it has its display plane; other localizers none."""
    orientation = header.image_orientation_patient
    if reformat and orientation is not None:
        plane, why = _plane_from_orientation(orientation)
        return plane, f"a reformat of a scout shows its display plane; {why}"
    if header.mr_acquisition_type == "3D" and header.distinct_orientations == 1:
        return "3D", "a 3D scout: 3D"
    return "unknown", "a localizer: no single plane"


def positions_can_decide_partition(header: SeriesHeader) -> bool:
    """Whether the step between instance positions can decide this series' plane: a 3D
    acquisition whose header gives neither SliceThickness nor SpacingBetweenSlices. Only then
    need the positions of its instances be gathered."""
    given = (header.slice_thickness, header.spacing_between_slices)
    return header.mr_acquisition_type == "3D" and not any(v is not None and v > 0 for v in given)


def _partition(header: SeriesHeader) -> tuple[float | None, str]:
    for value, source in (
        (header.slice_thickness, "SliceThickness"),
        (header.spacing_between_slices, "SpacingBetweenSlices"),
        (header.partition_step, "the step between instance positions"),
    ):
        if value is not None and value > 0:
            return value, source
    return None, ""


def _plane_from_orientation(orientation: tuple[float, ...]) -> tuple[Plane, str]:
    magnitudes = [abs(component) for component in slice_normal(orientation)]
    axis = magnitudes.index(max(magnitudes))
    plane = _AXIS_PLANES[axis]
    oblique = " (oblique)" if max(magnitudes) < 0.9 else ""
    return plane, f"ImageOrientationPatient slice normal is closest to {plane}{oblique}"
