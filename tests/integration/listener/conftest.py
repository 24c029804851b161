"""A listener on a loopback port of its own, in this process, and a way to send it studies."""

import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pydicom import Dataset

from app.settings import Settings
from dicom_listener.reconcile import reconcile
from dicom_listener.samples import write_datasets
from dicom_listener.sender import Destination, send_files
from dicom_listener.server import start_acceptor
from tests.support.network import free_port

SendDatasets = Callable[..., Counter[str]]


@pytest.fixture
def listener_settings(settings: Settings) -> Settings:
    return settings.model_copy(
        update={"dicom_port": free_port(), "listener_metrics_port": 0, "stable_after": 0.5}
    )


@pytest.fixture
def listener(listener_settings: Settings, database_url: str) -> Iterator[Settings]:
    """A running listener; yields its settings."""
    previous_tempdir = tempfile.tempdir
    reconcile(listener_settings.storage_dir, listener_settings.quarantine_dir, database_url)
    server = start_acceptor(listener_settings, database_url)
    yield listener_settings
    server.shutdown()
    tempfile.tempdir = previous_tempdir


@pytest.fixture
def send(tmp_path: Path, listener: Settings) -> SendDatasets:
    """`send(datasets, calling_ae=...)` writes them to files and C-STOREs them to the listener."""

    def send_datasets(datasets: list[Dataset], calling_ae: str = "MODALITY") -> Counter[str]:
        folder = Path(tempfile.mkdtemp(dir=tmp_path))
        files = write_datasets(iter(datasets), folder)
        destination = Destination("127.0.0.1", listener.dicom_port, listener.ae_title, calling_ae)
        return send_files(files, destination)

    return send_datasets
