import threading
from collections import Counter
from pathlib import Path

import psutil
from pydicom.uid import MRImageStorage

from app.settings import Settings
from dicom_listener.samples import KNEE_MR, study_datasets, write_datasets
from dicom_listener.sender import Destination, send_files
from tests.integration.listener.conftest import listener_process

MATRIX = 10_240  # 10,240 x 10,240 x 16 bits: 210 MB of pixel data
HEADROOM = 64 * 1024 * 1024


def _large_file(folder: Path) -> Path:
    dataset = next(study_datasets(KNEE_MR))
    assert dataset.SOPClassUID == MRImageStorage
    dataset.Rows = dataset.Columns = MATRIX
    dataset.PixelData = bytes(MATRIX * MATRIX * 2)
    (path,) = write_datasets(iter([dataset]), folder)
    return path


def test_a_210_mb_dataset_is_stored_with_flat_listener_memory(
    listener_settings: Settings, database_url: str, tmp_path: Path
) -> None:
    source = _large_file(tmp_path / "large")
    destination = Destination("127.0.0.1", listener_settings.dicom_port, "WORKLIST", "MODALITY")
    peak = 0
    with listener_process(listener_settings, database_url) as listener:
        process = psutil.Process(listener.pid)
        baseline = process.memory_info().rss
        done = threading.Event()

        def sample() -> None:
            nonlocal peak
            while not done.wait(0.02):
                peak = max(peak, process.memory_info().rss)

        sampler = threading.Thread(target=sample)
        sampler.start()
        try:
            statuses = send_files([source], destination)
        finally:
            done.set()
            sampler.join()

    assert statuses == Counter({"0x0000": 1})
    (stored,) = listener_settings.storage_dir.glob("*/*/*.dcm")
    assert stored.stat().st_size >= source.stat().st_size - 1024
    assert peak - baseline < HEADROOM
