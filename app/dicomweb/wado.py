"""WADO-RS (PS3.18 §10.4): stored files sent back as they were stored, one multipart part each,
and their headers as DICOM JSON."""

import uuid
from collections.abc import Iterable, Iterator
from typing import Any, BinaryIO

from pydicom import dcmread
from pydicom.uid import ExplicitVRLittleEndian, ImplicitVRLittleEndian

from app.errors import NotFound
from app.storage.objects import ObjectArea

CHUNK = 1024 * 1024


def multipart_boundary() -> str:
    return f"worklist-{uuid.uuid4().hex}"


def multipart_files(area: ObjectArea, keys: Iterable[str], boundary: str) -> Iterator[bytes]:
    """Each stored file as an `application/dicom` part, read in chunks: memory stays flat."""
    for key in keys:
        yield f"--{boundary}\r\nContent-Type: application/dicom\r\n\r\n".encode()
        with area.open(key) as stored:
            while chunk := stored.read(CHUNK):
                yield chunk
        yield b"\r\n"
    yield f"--{boundary}--\r\n".encode()


def metadata(stored: BinaryIO, retrieve_url: str) -> dict[str, Any]:
    """The file's header without its pixel data, as DICOM JSON; bulk data left out."""
    dataset = dcmread(stored, stop_before_pixels=True)
    header: dict[str, Any] = dataset.to_json_dict(bulk_data_threshold=1024 * 1024)
    header["00081190"] = {"vr": "UR", "Value": [retrieve_url]}
    return header


UNCOMPRESSED = frozenset({ImplicitVRLittleEndian, ExplicitVRLittleEndian})


class FramesUnavailable(Exception):
    """The instance's frames cannot be sent uncompressed as stored (406)."""


def frames(stored: BinaryIO, numbers: list[int]) -> list[bytes]:
    """Frames `numbers` (from 1) of an uncompressed instance's pixel data, as stored."""
    dataset = dcmread(stored)
    if dataset.file_meta.TransferSyntaxUID not in UNCOMPRESSED or "PixelData" not in dataset:
        raise FramesUnavailable("frames are served for uncompressed instances with pixel data")
    size = dataset.Rows * dataset.Columns * dataset.SamplesPerPixel * dataset.BitsAllocated // 8
    count = int(dataset.get("NumberOfFrames") or 1)
    missing = [number for number in numbers if not 1 <= number <= count]
    if missing:
        raise NotFound(f"the instance has {count} frame(s): no frame {missing[0]}")
    pixels: bytes = dataset.PixelData
    return [pixels[(number - 1) * size : number * size] for number in numbers]


def multipart_frames(parts: list[bytes], boundary: str) -> Iterator[bytes]:
    for part in parts:
        yield f"--{boundary}\r\nContent-Type: application/octet-stream\r\n\r\n".encode()
        yield part
        yield b"\r\n"
    yield f"--{boundary}--\r\n".encode()
