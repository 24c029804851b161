"""WADO-RS retrieve of one whole series in MB/s, beside reading the same files from disk."""

import statistics
import time
from collections.abc import Callable
from pathlib import Path

import httpx

RETRIEVE_TYPE = 'multipart/related; type="application/dicom"'


def retrieve_rate(series_url: str, headers: dict[str, str], runs: int) -> float:
    """The median MB/s of `runs` retrieves of the series at `series_url`, streamed and counted."""
    return _median_rate(lambda: _retrieved_bytes(series_url, headers), runs)


def disk_rate(files: list[Path], runs: int) -> float:
    """The median MB/s of reading `files` whole, one after the other (from the page cache,
    most likely, as the server's reads are too)."""
    return _median_rate(lambda: sum(len(path.read_bytes()) for path in files), runs)


def _retrieved_bytes(series_url: str, headers: dict[str, str]) -> int:
    received = 0
    with httpx.stream(
        "GET", series_url, headers=headers | {"Accept": RETRIEVE_TYPE}, timeout=300
    ) as answer:
        answer.raise_for_status()
        for chunk in answer.iter_bytes():
            received += len(chunk)
    return received


def _median_rate(read: Callable[[], int], runs: int) -> float:
    rates = []
    for _ in range(runs):
        started = time.perf_counter()
        size = read()
        rates.append(size / 1e6 / (time.perf_counter() - started))
    return statistics.median(rates)
