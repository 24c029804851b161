"""Orthanc, an independent PACS, on loopback ports with a temp config: skipped where absent,
except in CI, where its absence fails."""

import json
import os
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.support.network import free_port

DICOMWEB_PLUGIN = Path("/usr/share/orthanc/plugins/libOrthancDicomWeb.so")


def orthanc_program() -> str:
    program = shutil.which("Orthanc")
    if program is not None and DICOMWEB_PLUGIN.exists():
        return program
    message = "Orthanc with its DICOMweb plugin is not installed (apt-get install orthanc-dicomweb)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


class OrthancPeer:
    """A running Orthanc's REST API."""

    def __init__(self, http_port: int) -> None:
        self.url = f"http://127.0.0.1:{http_port}"

    def call(self, method: str, path: str, body: bytes | dict[str, Any] | None = None) -> Any:
        data = json.dumps(body).encode() if isinstance(body, dict) else body
        request = urllib.request.Request(f"{self.url}{path}", data=data, method=method)
        with urllib.request.urlopen(request, timeout=60) as response:
            answer = response.read()
        return json.loads(answer) if answer else None


@contextmanager
def running_orthanc(workdir: Path, extra_config: dict[str, Any]) -> Iterator[OrthancPeer]:
    """Orthanc with its DICOMweb plugin and `extra_config`, stopped at the end."""
    program = orthanc_program()
    http_port, dicom_port = free_port(), free_port()
    config = {
        "Name": "test peer",
        "StorageDirectory": str(workdir / "storage"),
        "IndexDirectory": str(workdir / "index"),
        "DicomAet": "ORTHANC",
        "DicomPort": dicom_port,
        "HttpPort": http_port,
        "RemoteAccessAllowed": False,
        "AuthenticationEnabled": False,
        "Plugins": [str(DICOMWEB_PLUGIN)],
        **extra_config,
    }
    workdir.mkdir(parents=True, exist_ok=True)
    config_path = workdir / "orthanc.json"
    config_path.write_text(json.dumps(config))
    with (workdir / "orthanc.log").open("wb") as log:
        process = subprocess.Popen([program, str(config_path)], stdout=log, stderr=log)
    try:
        peer = OrthancPeer(http_port)
        _wait_until_answering(peer, process)
        yield peer
    finally:
        process.terminate()
        process.wait(timeout=30)


def _wait_until_answering(peer: OrthancPeer, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("Orthanc stopped at start: see orthanc.log")
        try:
            peer.call("GET", "/system")
            return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.2)
    raise TimeoutError("Orthanc did not answer within 30 s")
