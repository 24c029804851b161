"""A STOW-RS client for the benchmarks: files sent in batches of 50 by N parallel clients."""

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

BATCH = 50
BOUNDARY = "bench-boundary"
STOW_TYPE = f'multipart/related; type="application/dicom"; boundary={BOUNDARY}'


def stow_seconds(url: str, headers: dict[str, str], files: list[Path], clients: int) -> float:
    """Seconds to store `files` at `url` (a DICOMweb root) by `clients` parallel clients."""
    batches = [files[start : start + BATCH] for start in range(0, len(files), BATCH)]
    shares = [batches[index::clients] for index in range(clients)]
    failures: list[str] = []
    sending = headers | {"Content-Type": STOW_TYPE}
    started = time.perf_counter()
    threads = [
        threading.Thread(target=_send_batches, args=(url, sending, share, failures))
        for share in shares
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    if failures:
        print(f"  !! STOW-RS answers: {failures[:3]}")
    return seconds


def _send_batches(
    url: str, headers: dict[str, str], batches: list[list[Path]], failures: list[str]
) -> None:
    with httpx.Client(timeout=300) as client:
        for batch in batches:
            answer = client.post(f"{url}/studies", content=_body(batch), headers=headers)
            if answer.status_code != 200:
                failures.append(f"{answer.status_code} {answer.text[:200]}")


def _body(batch: list[Path]) -> Iterator[bytes]:
    for path in batch:
        yield f"--{BOUNDARY}\r\nContent-Type: application/dicom\r\n\r\n".encode()
        yield path.read_bytes()
        yield b"\r\n"
    yield f"--{BOUNDARY}--\r\n".encode()
