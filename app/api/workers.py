"""What the processes of `worklist api --processes N` share: the database and their metrics."""

import os
from collections.abc import Iterator
from contextlib import contextmanager

from app.process_metrics import shared_metrics_folder


@contextmanager
def worker_environment(database_url: str) -> Iterator[None]:
    """Workers inherit the environment: the URL of the database this process started or found,
    and a folder where each keeps its metrics for `/metrics` to add up."""
    os.environ["DATABASE_URL"] = database_url
    with shared_metrics_folder(prefix="api-metrics-"):
        yield
