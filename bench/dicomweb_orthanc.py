"""Orthanc with Debian's DICOMweb plugin, the peer our STOW-RS and WADO-RS are measured beside."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests.support.orthanc import running_orthanc


@contextmanager
def orthanc_dicomweb(workdir: Path) -> Iterator[str]:
    """A fresh Orthanc (empty storage, SQLite index); yields its DICOMweb root URL."""
    config = {"DicomWeb": {"Enable": True, "Root": "/dicom-web/"}}
    with running_orthanc(workdir, config) as orthanc:
        yield f"{orthanc.url}/dicom-web"


def orthanc_instances(root_url: str) -> int:
    answer = httpx.get(root_url.removesuffix("/dicom-web") + "/statistics", timeout=30)
    return int(answer.json()["CountInstances"])
