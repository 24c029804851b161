"""The header fields of one series that the sequence classifier reads, and how to get them."""

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, fields
from typing import Any, Self

from pydicom import Dataset
from pydicom.tag import BaseTag, Tag

from app.classification.series_geometry import InstanceGeometry, partition_step, rounded_orientation

JsonDict = dict[str, Any]

# Vendor tags that fill gaps the standard tags leave on classic (non-enhanced) objects.
GE_PULSE_SEQUENCE_NAME = Tag(0x0019, 0x109C)
GE_DIFFUSION_B_VALUE = Tag(0x0043, 0x1039)
SIEMENS_DIFFUSION_B_VALUE = Tag(0x0019, 0x100C)
PHILIPS_SCANNING_TECHNIQUE = Tag(0x2001, 0x1020)
PHILIPS_DIFFUSION_B_VALUE = Tag(0x2001, 0x1003)
# Where enhanced MR objects keep the classic tags, when the name differs.
FUNCTIONAL_GROUP_NAMES = {
    "EchoTime": "EffectiveEchoTime",
    "InversionTime": "InversionTimes",
    "ImageType": "FrameType",
}
# GE stores b as a large offset plus the b value (e.g. 1000001000 for b=1000).
GE_B_VALUE_OFFSET = 1_000_000_000


@dataclass(frozen=True, slots=True)
class SeriesHeader:
    """Header facts of one MR or CT series; every field may be absent."""

    series_instance_uid: str = ""
    sop_class_uid: str = ""
    modality: str = ""
    manufacturer: str = ""
    series_description: str = ""
    protocol_name: str = ""
    study_description: str = ""
    body_part_examined: str = ""
    series_number: int | None = None
    sequence_name: str = ""
    pulse_sequence_name: str = ""
    scanning_technique: str = ""
    scanning_sequence: tuple[str, ...] = ()
    sequence_variant: tuple[str, ...] = ()
    scan_options: tuple[str, ...] = ()
    mr_acquisition_type: str = ""
    acquisition_contrast: str = ""
    repetition_time: float | None = None
    echo_time: float | None = None
    inversion_time: float | None = None
    flip_angle: float | None = None
    echo_train_length: int | None = None
    image_type: tuple[str, ...] = ()
    diffusion_b_value: float | None = None
    temporal_positions: int | None = None
    contrast_bolus_agent: str = ""
    contrast_bolus_route: str = ""
    image_orientation_patient: tuple[float, ...] | None = None
    distinct_orientations: int = 1
    slice_thickness: float | None = None
    spacing_between_slices: float | None = None
    partition_step: float | None = None
    image_position_patient: tuple[float, ...] | None = None
    magnetic_field_strength: float | None = None
    convolution_kernel: tuple[str, ...] = ()

    def to_json(self) -> JsonDict:
        """Plain JSON-ready dict (tuples become lists)."""
        return {
            key: list(value) if isinstance(value, tuple) else value
            for key, value in asdict(self).items()
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Self:
        """Rebuild from `to_json` output; unknown keys are ignored so old rows still load."""
        values: JsonDict = {}
        for field in fields(cls):
            if field.name in data and data[field.name] is not None:
                value = data[field.name]
                values[field.name] = tuple(value) if isinstance(value, list) else value
        return cls(**values)


def header_from_dataset(ds: Dataset) -> SeriesHeader:
    """Read the classification header of a series from one of its instances (all its frames,
    when it is an enhanced multi-frame object)."""
    header = _instance_header(ds)
    frames = frame_geometry(ds)
    return with_instances(header, frames) if frames else header


def instance_geometry(ds: Dataset) -> InstanceGeometry:
    """What one classic instance adds to its series' header."""
    return InstanceGeometry(
        number=_integer(_value(ds, "InstanceNumber")),
        orientation=_orientation(_value(ds, "ImageOrientationPatient")),
        position=_position(ds.get("ImagePositionPatient")),
        image_type=_tokens(ds, "ImageType"),
    )


def frame_geometry(ds: Dataset) -> list[InstanceGeometry]:
    """Each frame of an enhanced object: its frame type, orientation and position."""
    shared = (ds.get("SharedFunctionalGroupsSequence") or [Dataset()])[0]
    frames = []
    for number, groups in enumerate(ds.get("PerFrameFunctionalGroupsSequence") or [], start=1):
        frame_type = _macro(groups, shared, "MRImageFrameTypeSequence", "CTImageFrameTypeSequence")
        orientation = _macro(groups, shared, "PlaneOrientationSequence")
        position = _macro(groups, shared, "PlanePositionSequence")
        frames.append(
            InstanceGeometry(
                number=number,
                orientation=_orientation(orientation.get("ImageOrientationPatient")),
                position=_position(position.get("ImagePositionPatient")),
                image_type=_tokens(frame_type, "FrameType"),
            )
        )
    return frames


def with_instances(header: SeriesHeader, instances: Sequence[InstanceGeometry]) -> SeriesHeader:
    """The header of the series' first instance, completed from all of its instances."""
    orientation = header.image_orientation_patient or next(
        (instance.orientation for instance in instances if instance.orientation), None
    )
    orientations = {rounded_orientation(i.orientation) for i in instances if i.orientation}
    image_type = tuple(
        dict.fromkeys([*header.image_type, *(token for i in instances for token in i.image_type)])
    )
    step = partition_step(orientation, instances) if orientation else None
    return dataclasses.replace(
        header,
        image_orientation_patient=orientation,
        distinct_orientations=max(header.distinct_orientations, len(orientations)),
        image_type=image_type,
        partition_step=step if step is not None else header.partition_step,
    )


def _macro(groups: Dataset, shared: Dataset, *keywords: str) -> Dataset:
    for keyword in keywords:
        for source in (groups, shared):
            items = source.get(keyword)
            if items:
                return items[0]  # type: ignore[no-any-return]
    return Dataset()


def _instance_header(ds: Dataset) -> SeriesHeader:
    return SeriesHeader(
        series_instance_uid=_text(ds, "SeriesInstanceUID"),
        sop_class_uid=_text(ds, "SOPClassUID"),
        modality=_text(ds, "Modality").upper(),
        manufacturer=_text(ds, "Manufacturer"),
        series_description=_text(ds, "SeriesDescription"),
        protocol_name=_text(ds, "ProtocolName"),
        study_description=_text(ds, "StudyDescription"),
        body_part_examined=_text(ds, "BodyPartExamined"),
        series_number=_integer(_value(ds, "SeriesNumber")),
        sequence_name=_text(ds, "SequenceName"),
        pulse_sequence_name=_text(ds, "PulseSequenceName") or _text(ds, GE_PULSE_SEQUENCE_NAME),
        scanning_technique=_text(ds, PHILIPS_SCANNING_TECHNIQUE),
        scanning_sequence=_tokens(ds, "ScanningSequence"),
        sequence_variant=_tokens(ds, "SequenceVariant"),
        scan_options=_tokens(ds, "ScanOptions"),
        mr_acquisition_type=_text(ds, "MRAcquisitionType").upper(),
        acquisition_contrast=_text(ds, "AcquisitionContrast").upper(),
        repetition_time=_number(_value(ds, "RepetitionTime")),
        echo_time=_number(_value(ds, "EchoTime")),
        inversion_time=_number(_value(ds, "InversionTime")),
        flip_angle=_number(_value(ds, "FlipAngle")),
        echo_train_length=_integer(_value(ds, "EchoTrainLength")),
        image_type=_tokens(ds, "ImageType"),
        diffusion_b_value=_b_value(ds),
        temporal_positions=_integer(_value(ds, "NumberOfTemporalPositions")),
        contrast_bolus_agent=_text(ds, "ContrastBolusAgent") or _coded_agent(ds),
        contrast_bolus_route=_text(ds, "ContrastBolusRoute"),
        image_orientation_patient=_orientation(_value(ds, "ImageOrientationPatient")),
        slice_thickness=_number(_value(ds, "SliceThickness")),
        spacing_between_slices=_number(_value(ds, "SpacingBetweenSlices")),
        image_position_patient=_position(ds.get("ImagePositionPatient")),
        magnetic_field_strength=_number(_value(ds, "MagneticFieldStrength")),
        convolution_kernel=_tokens(ds, "ConvolutionKernel"),
    )


def _coded_agent(ds: Dataset) -> str:
    """Enhanced objects may name the agent only as a code (Contrast/Bolus Agent Sequence)."""
    agents = ds.get("ContrastBolusAgentSequence") or []
    return _text(agents[0], "CodeMeaning") if agents else ""


def _value(ds: Dataset, key: str | BaseTag) -> Any:
    element = ds.get(key)
    if element is None and isinstance(key, str):
        element = _first_frame_value(ds, FUNCTIONAL_GROUP_NAMES.get(key, key))
    if element is None:
        return None
    value = element.value if hasattr(element, "value") else element
    if isinstance(value, bytes):
        return value.decode("latin-1", errors="replace").strip("\x00 ")
    return value


def _first_frame_value(ds: Dataset, keyword: str) -> Any:
    """Enhanced (multi-frame) objects keep timing and geometry in functional group macros."""
    for groups_keyword in ("SharedFunctionalGroupsSequence", "PerFrameFunctionalGroupsSequence"):
        groups = ds.get(groups_keyword)
        if not groups:
            continue
        for macro in groups[0]:
            if macro.VR == "SQ" and macro.value and keyword in macro.value[0]:
                return macro.value[0].get(keyword)
    return None


def _text(ds: Dataset, key: str | BaseTag) -> str:
    value = _value(ds, key)
    if value is None:
        return ""
    if _is_multi(value):
        return "\\".join(str(item) for item in value).strip()
    return str(value).strip()


def _tokens(ds: Dataset, key: str) -> tuple[str, ...]:
    value = _value(ds, key)
    if value is None or value == "":
        return ()
    items: Iterable[Any] = value if _is_multi(value) else str(value).split("\\")
    return tuple(str(item).strip().upper() for item in items if str(item).strip())


def _is_multi(value: Any) -> bool:
    return isinstance(value, list | tuple) or type(value).__name__ == "MultiValue"


def _number(value: Any) -> float | None:
    if _is_multi(value):
        value = value[0] if len(value) else None
    try:
        return float(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _integer(value: Any) -> int | None:
    number = _number(value)
    return int(number) if number is not None else None


def _orientation(value: Any) -> tuple[float, ...] | None:
    if not _is_multi(value) or len(value) != 6:
        return None
    try:
        return tuple(float(item) for item in value)
    except (TypeError, ValueError):
        return None


def _position(element: Any) -> tuple[float, ...] | None:
    value = element.value if hasattr(element, "value") else element
    if not _is_multi(value) or len(value) != 3:
        return None
    try:
        return tuple(float(item) for item in value)
    except (TypeError, ValueError):
        return None


def _b_value(ds: Dataset) -> float | None:
    for key in ("DiffusionBValue", SIEMENS_DIFFUSION_B_VALUE, PHILIPS_DIFFUSION_B_VALUE):
        b_value = _number(_value(ds, key))
        if b_value is not None:
            return b_value
    ge_value = _number(_value(ds, GE_DIFFUSION_B_VALUE))
    if ge_value is None:
        return None
    return ge_value % GE_B_VALUE_OFFSET if ge_value >= GE_B_VALUE_OFFSET else ge_value
