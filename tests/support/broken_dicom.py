"""DICOM files whose dataset is broken in ways a parser must survive."""

import struct
from pathlib import Path

from pydicom.dataset import FileMetaDataset
from pydicom.filebase import DicomBytesIO
from pydicom.filewriter import write_file_meta_info
from pydicom.uid import ExplicitVRLittleEndian, MRImageStorage, generate_uid

MR_IMAGE_STORAGE = MRImageStorage


def write_file_with_a_broken_sequence(path: Path) -> Path:
    """A valid file meta and UIDs around a sequence whose item structure is garbage."""
    sop_instance_uid = generate_uid()
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = MR_IMAGE_STORAGE
    meta.MediaStorageSOPInstanceUID = sop_instance_uid
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    header = DicomBytesIO()
    header.write(b"\0" * 128 + b"DICM")
    write_file_meta_info(header, meta)
    body = (
        _element(0x0008, 0x0016, b"UI", MR_IMAGE_STORAGE)
        + _element(0x0008, 0x0018, b"UI", sop_instance_uid)
        + _undefined_length_sequence(0x0008, 0x1140, bytes(range(1, 33)))
        + _element(0x0020, 0x000D, b"UI", generate_uid())
        + _element(0x0020, 0x000E, b"UI", generate_uid())
    )
    path.write_bytes(header.getvalue() + body)
    return path


def _element(group: int, element: int, vr: bytes, value: str) -> bytes:
    encoded = value.encode("ascii")
    encoded += b"\0" * (len(encoded) % 2)
    return struct.pack("<HH2sH", group, element, vr, len(encoded)) + encoded


def _undefined_length_sequence(group: int, element: int, content: bytes) -> bytes:
    return struct.pack("<HH2sHI", group, element, b"SQ", 0, 0xFFFFFFFF) + content
