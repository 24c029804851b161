"""Imaging plane from ImageOrientationPatient, with 3D and tri-plane localizer conventions."""

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


def classify_plane(header: SeriesHeader, *, is_localizer: bool) -> tuple[Plane, str]:
    """The plane and the sentence explaining it."""
    if is_localizer or header.distinct_orientations > 1:
        return "unknown", "tri-plane localizer: no single plane"
    image_type = set(header.image_type)
    if image_type & PROJECTION_TOKENS:
        return "3D", "ImageType marks a MIP/volume rendering projection: 3D"
    reformat = bool(image_type & REFORMAT_TOKENS)
    thin = header.slice_thickness is not None and header.slice_thickness <= THIN_PARTITION_MM
    if header.mr_acquisition_type == "3D" and thin and not reformat:
        return "3D", f"3D acquisition with {header.slice_thickness:g} mm partitions: 3D"
    if header.image_orientation_patient is not None:
        return _plane_from_orientation(header.image_orientation_patient)
    term = first_match(DESCRIPTION_PLANES, normalise(header.series_description))
    if term is not None:
        return PLANE_BY_NAME[
            term.label
        ], f"no ImageOrientationPatient; description says {term.words}"
    return "unknown", "no ImageOrientationPatient and no plane in the description"


def _plane_from_orientation(orientation: tuple[float, ...]) -> tuple[Plane, str]:
    row, column = orientation[:3], orientation[3:]
    normal = (
        row[1] * column[2] - row[2] * column[1],
        row[2] * column[0] - row[0] * column[2],
        row[0] * column[1] - row[1] * column[0],
    )
    magnitudes = [abs(component) for component in normal]
    axis = magnitudes.index(max(magnitudes))
    plane = _AXIS_PLANES[axis]
    oblique = " (oblique)" if max(magnitudes) < 0.9 else ""
    return plane, f"ImageOrientationPatient slice normal is closest to {plane}{oblique}"
