"""Prometheus metrics of processes sharing one port: each writes its own to a common folder,
and a scrape of any of them adds them all up."""

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from prometheus_client import CollectorRegistry, multiprocess

FOLDER_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"  # read by prometheus_client in every process


@contextmanager
def shared_metrics_folder(prefix: str) -> Iterator[Path]:
    """A folder for the metrics of the processes started inside the block; removed after it."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    os.environ[FOLDER_VARIABLE] = str(folder)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def all_processes_registry() -> CollectorRegistry:
    """The metrics of every process writing to the shared folder, added up."""
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    return registry
