"""What the processes of `worklist api --processes N` share: the database and a metrics folder."""

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

METRICS_FOLDER = "PROMETHEUS_MULTIPROC_DIR"  # read by prometheus_client in each worker


@contextmanager
def worker_environment(database_url: str) -> Iterator[None]:
    """Workers inherit the environment: the URL of the database this process started or found,
    and a folder where each keeps its metrics for `/metrics` to add up."""
    metrics_folder = Path(tempfile.mkdtemp(prefix="api-metrics-"))
    os.environ["DATABASE_URL"] = database_url
    os.environ[METRICS_FOLDER] = str(metrics_folder)
    try:
        yield
    finally:
        shutil.rmtree(metrics_folder, ignore_errors=True)
