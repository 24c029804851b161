"""WADO-RS (PS3.18 §10.4): stored files sent back as they were stored, one multipart part each,
and their headers as DICOM JSON."""

import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from pydicom import dcmread

CHUNK = 1024 * 1024


def multipart_boundary() -> str:
    return f"worklist-{uuid.uuid4().hex}"


def multipart_files(files: Iterable[Path], boundary: str) -> Iterator[bytes]:
    """Each file as an `application/dicom` part, read in chunks: memory stays flat."""
    for path in files:
        yield f"--{boundary}\r\nContent-Type: application/dicom\r\n\r\n".encode()
        with path.open("rb") as stored:
            while chunk := stored.read(CHUNK):
                yield chunk
        yield b"\r\n"
    yield f"--{boundary}--\r\n".encode()


def metadata(path: Path, retrieve_url: str) -> dict[str, Any]:
    """The file's header without its pixel data, as DICOM JSON; bulk data left out."""
    dataset = dcmread(path, stop_before_pixels=True)
    header: dict[str, Any] = dataset.to_json_dict(bulk_data_threshold=1024 * 1024)
    header["00081190"] = {"vr": "UR", "Value": [retrieve_url]}
    return header
