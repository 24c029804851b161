"""Keyword-argument factories for classification tests."""

from typing import Any

from pydicom import Dataset
from pydicom.dataset import FileMetaDataset
from pydicom.uid import UID, ExplicitVRLittleEndian, generate_uid

from app.classification.series_header import SeriesHeader

AXIAL = (1.0, 0.0, 0.0, 0.0, 1.0, 0.0)
SAGITTAL = (0.0, 1.0, 0.0, 0.0, 0.0, -1.0)
CORONAL = (1.0, 0.0, 0.0, 0.0, 0.0, -1.0)
MR_IMAGE_STORAGE = UID("1.2.840.10008.5.1.4.1.1.4")


def make_header(**fields: Any) -> SeriesHeader:
    """An axial Siemens 2D TSE MR header unless told otherwise."""
    defaults: dict[str, Any] = {
        "modality": "MR",
        "manufacturer": "SIEMENS",
        "series_instance_uid": "1.2.3",
        "scanning_sequence": ("SE",),
        "sequence_name": "*tse2d1_15",
        "image_orientation_patient": AXIAL,
        "slice_thickness": 4.0,
    }
    return SeriesHeader(**{**defaults, **fields})


def make_dataset(**elements: Any) -> Dataset:
    """A writable MR instance with its UIDs; keyword arguments set or override elements."""
    dataset = Dataset()
    dataset.file_meta = FileMetaDataset()
    dataset.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    dataset.file_meta.MediaStorageSOPClassUID = MR_IMAGE_STORAGE
    dataset.SOPClassUID = MR_IMAGE_STORAGE
    instance_uid = generate_uid()
    dataset.SOPInstanceUID = instance_uid
    dataset.file_meta.MediaStorageSOPInstanceUID = instance_uid
    dataset.StudyInstanceUID = "1.2.826.0.1.1"
    dataset.SeriesInstanceUID = "1.2.826.0.1.1.1"
    dataset.Modality = "MR"
    dataset.Manufacturer = "SIEMENS"
    for keyword, value in elements.items():
        setattr(dataset, keyword, value)
    return dataset
