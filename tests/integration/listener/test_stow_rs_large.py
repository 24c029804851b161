"""A very large STOW-RS body is streamed to disk, never held in memory, and a truncated one
leaves nothing behind."""

import re
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from app.api.main import create_app
from app.settings import Settings
from app.vocabulary import Role
from tests.support.dicomweb import BOUNDARY, STOW_TYPE
from tests.support.live_api import serving

BODY_BYTES = 200 * 1024 * 1024
CHUNK = b"\0" * (1024 * 1024)


@pytest.fixture
def live_api(settings: Settings, database_url: str) -> Iterator[str]:
    with serving(create_app(settings, database_url)) as base_url:
        yield base_url


def _resident_bytes() -> int:
    status = Path("/proc/self/status").read_text()
    match = re.search(r"VmRSS:\s+(\d+) kB", status)
    assert match is not None
    return int(match.group(1)) * 1024


def _truncated_body() -> Iterator[bytes]:
    """One application/dicom part of 200 MB that never reaches its closing boundary."""
    yield f"--{BOUNDARY}\r\nContent-Type: application/dicom\r\n\r\n".encode()
    for _ in range(BODY_BYTES // len(CHUNK)):
        yield CHUNK


@pytest.mark.large
def test_a_200_mb_truncated_body_keeps_memory_flat_and_stores_nothing(
    live_api: str, make_token: Callable[..., str], settings: Settings
) -> None:
    headers = {
        "Authorization": f"Bearer {make_token(Role.INTEGRATION)}",
        "Content-Type": STOW_TYPE,
    }
    baseline = _resident_bytes()
    peak = baseline
    done = threading.Event()

    def watch() -> None:
        nonlocal peak
        while not done.wait(0.05):
            peak = max(peak, _resident_bytes())

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        answer = httpx.post(
            f"{live_api}/dicomweb/studies", content=_truncated_body(), headers=headers, timeout=120
        )
    finally:
        done.set()
        watcher.join()

    assert answer.status_code == 400
    assert "closing boundary" in answer.json()["detail"]
    assert peak - baseline < 64 * 1024 * 1024
    assert not list((settings.storage_dir / ".incoming").iterdir())
    assert httpx.get(f"{live_api}/healthz").status_code == 200
