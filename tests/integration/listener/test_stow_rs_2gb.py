"""A 2 GB STOW-RS request, streamed from a generator to a separate `worklist api` process: its
memory stays flat whether the body is truncated or complete, nothing is half-stored, and the
service keeps serving."""

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import psutil
import pytest
from sqlalchemy import func, select

from app.db.session import session_scope
from app.studies.models import Instance
from app.vocabulary import Role
from tests.support.api_server import RunningApi, running_api
from tests.support.dicomweb import BOUNDARY, STOW_TYPE

TWO_GB = 2 * 1024**3
CHUNK = b"\0" * (4 * 1024 * 1024)
MEMORY_GROWTH_ALLOWED = 64 * 1024**2
# Bounded: 2 GB through loopback and the multipart parser, on a busy machine.
REQUEST_SECONDS = 600


def _body(part_type: str, closed: bool) -> Iterator[bytes]:
    yield f"--{BOUNDARY}\r\nContent-Type: {part_type}\r\n\r\n".encode()
    for _ in range(TWO_GB // len(CHUNK)):
        yield CHUNK
    if closed:
        yield f"\r\n--{BOUNDARY}--\r\n".encode()


def _resident_bytes(pid: int) -> int:
    """The API's memory: its process and any workers it started."""
    process = psutil.Process(pid)
    return sum(each.memory_info().rss for each in (process, *process.children(recursive=True)))


def _post_watching_memory(api: RunningApi, token: str, body: Iterator[bytes]) -> tuple[int, int]:
    """Send the body; the answer's status and the API's peak growth in resident memory."""
    headers = {"Authorization": f"Bearer {token}", "Content-Type": STOW_TYPE}
    httpx.get(f"{api.url}/healthz", timeout=30)  # warmed up before the baseline
    baseline = peak = _resident_bytes(api.pid)

    def watched() -> Iterator[bytes]:
        nonlocal peak
        last_look = 0.0
        for chunk in body:
            if time.monotonic() - last_look > 0.1:
                peak, last_look = max(peak, _resident_bytes(api.pid)), time.monotonic()
            yield chunk

    answer = httpx.post(
        f"{api.url}/dicomweb/studies", content=watched(), headers=headers, timeout=REQUEST_SECONDS
    )
    peak = max(peak, _resident_bytes(api.pid))
    return answer.status_code, peak - baseline


@pytest.mark.slow
@pytest.mark.large
@pytest.mark.parametrize(
    ("part_type", "closed", "status"),
    [
        pytest.param("application/dicom", False, 400, id="truncated-dicom-part"),
        pytest.param("text/plain", True, 409, id="complete-with-a-refused-part"),
    ],
)
def test_a_2_gb_request_keeps_the_api_memory_flat_and_stores_nothing(
    database_url: str,
    tmp_path: Path,
    make_token: Callable[..., str],
    part_type: str,
    closed: bool,
    status: int,
) -> None:
    token = make_token(Role.INTEGRATION, name="BIG-SENDER")
    with running_api(database_url, tmp_path) as api:
        answered, growth = _post_watching_memory(api, token, _body(part_type, closed))
        still_serving = httpx.get(f"{api.url}/healthz", timeout=30).status_code

    assert answered == status
    assert growth < MEMORY_GROWTH_ALLOWED, f"the API grew by {growth / 1024**2:.0f} MB"
    assert still_serving == 200
    with session_scope(database_url) as session:
        assert session.scalar(select(func.count()).select_from(Instance)) == 0
    kept = [path for path in tmp_path.glob("*/**/*") if path.is_file()]
    assert kept == []  # in storage, its temp folder or quarantine
