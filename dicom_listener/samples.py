"""Realistic sample studies built with pydicom, for `worklist demo`, the tests and the bench."""

import copy
import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from pydicom import Dataset
from pydicom.dataset import FileMetaDataset
from pydicom.uid import CTImageStorage, ExplicitVRLittleEndian, MRImageStorage, generate_uid

SAG = (0.0, 1.0, 0.0, 0.0, 0.0, -1.0)
AX = (1.0, 0.0, 0.0, 0.0, 1.0, 0.0)
COR = (1.0, 0.0, 0.0, 0.0, 0.0, -1.0)


@dataclass(frozen=True)
class SeriesSpec:
    description: str
    orientation: tuple[float, ...]
    images: int
    tags: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class StudySpec:
    modality: str
    description: str
    body_part: str
    series: tuple[SeriesSpec, ...]
    tags: dict[str, object] = field(default_factory=dict)


def _mr(
    tr: float, te: float, seq: str, variant: str, options: str = "", ti: float = 0
) -> dict[str, object]:
    tags: dict[str, object] = {
        "RepetitionTime": tr,
        "EchoTime": te,
        "ScanningSequence": seq.split("\\"),
        "SequenceVariant": variant.split("\\"),
        "MRAcquisitionType": "2D",
        "MagneticFieldStrength": 1.5,
        "FlipAngle": 90 if seq != "GR" else 25,
    }
    if options:
        tags["ScanOptions"] = options
    if ti:
        tags["InversionTime"] = ti
    return tags


CERVICAL_SPINE_MR = StudySpec(
    "MR",
    "MRI CERVICAL SPINE WO CONTRAST",
    "CSPINE",
    (
        SeriesSpec("SAG T1 TSE", SAG, 15, _mr(550, 9, "SE", "SK")),
        SeriesSpec("SAG T2 TSE", SAG, 15, _mr(3200, 100, "SE", "SK")),
        SeriesSpec("SAG STIR", SAG, 15, _mr(3500, 40, "IR\\SE", "SK", ti=150)),
        SeriesSpec("AX T2 TSE", AX, 24, _mr(4000, 110, "SE", "SK")),
        SeriesSpec("AX T2 GRE MEDIC", AX, 24, _mr(600, 18, "GR", "SP")),
    ),
    {
        "ReasonForStudy": "Neck pain radiating to the right arm, r/o cervical radiculopathy",
        "RequestAttributesSequence": [
            {
                "ReasonForTheRequestedProcedure": "C6 radiculopathy, numbness of the right thumb",
                "RequestedProcedureDescription": "MRI C-SPINE",
            }
        ],
        "RequestedProcedurePriority": "ROUTINE",
    },
)
KNEE_MR = StudySpec(
    "MR",
    "MRI KNEE RIGHT WO CONTRAST",
    "KNEE",
    (
        SeriesSpec("SAG PD FS", SAG, 20, _mr(3000, 30, "SE", "SK", "FS")),
        SeriesSpec("COR PD FS", COR, 20, _mr(3000, 30, "SE", "SK", "FS")),
        SeriesSpec("AX PD FS", AX, 20, _mr(3000, 30, "SE", "SK", "FS")),
    ),
    {"ReasonForStudy": "Twisting injury, medial joint line pain, r/o meniscal tear"},
)
HEAD_CT = StudySpec(
    "CT",
    "CT HEAD WO CONTRAST",
    "HEAD",
    (SeriesSpec("HEAD 5mm", AX, 30, {"KVP": 120, "ConvolutionKernel": "H30s"}),),
    {
        "ReasonForStudy": "Fall with head strike on anticoagulation",
        "RequestedProcedurePriority": "STAT",
    },
)
DEMO_STUDIES = (CERVICAL_SPINE_MR, KNEE_MR, HEAD_CT)

_patients = itertools.count(1)


def study_datasets(spec: StudySpec, matrix: int = 256, **overrides: object) -> Iterator[Dataset]:
    """Every instance of a new study after `spec`, with fresh UIDs and a made-up patient."""
    study = _study_level(spec, overrides)
    for number, series_spec in enumerate(spec.series, start=1):
        series = _series_level(study, series_spec, number)
        for index in range(series_spec.images):
            yield _instance(series, spec.modality, series_spec, index, matrix)


def write_datasets(datasets: Iterator[Dataset], folder: Path) -> list[Path]:
    """Write each dataset as a DICOM file named after its SOP Instance UID."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for ds in datasets:
        path = folder / f"{ds.SOPInstanceUID}.dcm"
        ds.save_as(path, enforce_file_format=True)
        paths.append(path)
    return paths


def _study_level(spec: StudySpec, overrides: dict[str, object]) -> Dataset:
    now = datetime.now()
    number = next(_patients)
    ds = Dataset()
    ds.SpecificCharacterSet = "ISO_IR 192"
    ds.StudyInstanceUID = generate_uid()
    ds.PatientID = f"DEMO{number:05d}"
    ds.PatientName = f"DEMO^PATIENT {number}"
    ds.PatientBirthDate = "19700101"
    ds.PatientSex = "O"
    ds.AccessionNumber = f"A{now:%H%M%S}{number:03d}"
    ds.StudyDate, ds.StudyTime = f"{now:%Y%m%d}", f"{now:%H%M%S}"
    ds.StudyDescription = spec.description
    ds.BodyPartExamined = spec.body_part
    ds.InstitutionName = "Demo General Hospital"
    ds.ReferringPhysicianName = "REFERRER^DEMO"
    for keyword, value in (spec.tags | overrides).items():
        _set(ds, keyword, value)
    return ds


def _set(ds: Dataset, keyword: str, value: object) -> None:
    if isinstance(value, list) and value and isinstance(value[0], dict):
        items = []
        for item_values in value:
            item = Dataset()
            for item_keyword, item_value in item_values.items():
                setattr(item, item_keyword, item_value)
            items.append(item)
        setattr(ds, keyword, items)
    else:
        setattr(ds, keyword, value)


def _series_level(study: Dataset, spec: SeriesSpec, number: int) -> Dataset:
    ds = copy.deepcopy(study)
    ds.SeriesInstanceUID = generate_uid()
    ds.SeriesNumber = number
    ds.SeriesDescription = spec.description
    ds.ProtocolName = spec.description
    ds.ImageOrientationPatient = list(spec.orientation)
    for keyword, value in spec.tags.items():
        setattr(ds, keyword, value)
    return ds


def _instance(series: Dataset, modality: str, spec: SeriesSpec, index: int, matrix: int) -> Dataset:
    sop_class = MRImageStorage if modality == "MR" else CTImageStorage
    ds = copy.deepcopy(series)  # each instance owns its elements
    ds.file_meta = FileMetaDataset()
    ds.file_meta.MediaStorageSOPClassUID = sop_class
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.SOPClassUID = sop_class
    ds.SOPInstanceUID = generate_uid()
    ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
    ds.Modality = modality
    ds.Manufacturer = "SIEMENS"
    ds.InstanceNumber = index + 1
    ds.ImageType = ["ORIGINAL", "PRIMARY", "M" if modality == "MR" else "AXIAL"]
    ds.SliceThickness = 3.0 if modality == "MR" else 5.0
    ds.ImagePositionPatient = [0.0, 0.0, float(index) * 3]
    ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, "MONOCHROME2"
    ds.Rows = ds.Columns = matrix
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 12, 11, 0
    ds.PixelData = _pixels(matrix, index)
    return ds


def _pixels(matrix: int, seed: int) -> bytes:
    """A cheap, deterministic gradient: realistic size, no image library needed."""
    row = bytes((column + seed) % 256 for column in range(matrix)) * 2
    return row * matrix
