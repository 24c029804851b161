"""Receiving a data set: streamed into a temp file behind a Part 10 header that pydicom reads."""

from pathlib import Path

import pydicom
import pytest
from pydicom import Dataset
from pydicom.uid import CTImageStorage, ExplicitVRLittleEndian
from pynetdicom import PYNETDICOM_IMPLEMENTATION_UID
from pynetdicom.dsutils import encode

from dicom_listener import reception
from dicom_listener.reception import Reception

INSTANCE_UID = "1.2.826.0.1.3680043.8.498.777"


def _data_set_body() -> bytes:
    data_set = Dataset()
    data_set.SOPClassUID = CTImageStorage
    data_set.SOPInstanceUID = INSTANCE_UID
    data_set.PatientName = "Doe^Jane"
    data_set.Modality = "CT"
    data_set.Rows = 512
    data_set.SliceThickness = "1.25"
    encoded = encode(data_set, False, True)
    assert encoded is not None
    return encoded


def _reception(incoming_dir: Path) -> Reception:
    return Reception.of_dataset(
        incoming_dir, CTImageStorage, INSTANCE_UID, ExplicitVRLittleEndian, "MODALITY"
    )


def _write_in_fragments(received: Reception, body: bytes, fragment_size: int) -> None:
    for start in range(0, len(body), fragment_size):
        received.write(memoryview(body)[start : start + fragment_size])


def test_fragments_become_a_part_10_file_that_pydicom_reads(tmp_path: Path) -> None:
    received = _reception(tmp_path)
    _write_in_fragments(received, _data_set_body(), fragment_size=7)

    stored = pydicom.dcmread(received.finish().path)

    assert stored.preamble == bytes(128)
    assert stored.file_meta.TransferSyntaxUID == ExplicitVRLittleEndian
    assert stored.file_meta.MediaStorageSOPClassUID == CTImageStorage
    assert stored.file_meta.MediaStorageSOPInstanceUID == INSTANCE_UID
    assert stored.file_meta.SourceApplicationEntityTitle == "MODALITY"
    assert stored.file_meta.ImplementationClassUID == PYNETDICOM_IMPLEMENTATION_UID
    assert (stored.SOPInstanceUID, stored.PatientName, stored.Modality) == (
        INSTANCE_UID,
        "Doe^Jane",
        "CT",
    )
    assert (stored.Rows, stored.SliceThickness) == (512, 1.25)


def test_the_data_set_bytes_follow_the_header_unchanged(tmp_path: Path) -> None:
    body = _data_set_body()
    received = _reception(tmp_path)
    _write_in_fragments(received, body, fragment_size=64)

    assert received.finish().path.read_bytes().endswith(body)


def test_a_small_file_is_also_kept_in_memory(tmp_path: Path) -> None:
    received = _reception(tmp_path)
    _write_in_fragments(received, _data_set_body(), fragment_size=16)

    finished = received.finish()

    assert finished.path.parent == tmp_path
    assert finished.size == finished.path.stat().st_size
    assert finished.content == finished.path.read_bytes()


def test_a_file_over_the_memory_limit_is_only_on_disk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reception, "KEPT_IN_MEMORY", 1024)
    received = _reception(tmp_path)
    _write_in_fragments(received, bytes(2000), fragment_size=300)

    finished = received.finish()

    assert finished.size == finished.path.stat().st_size > 1024
    assert finished.content is None


def test_a_file_of_exactly_the_memory_limit_is_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    header_size = 132 + len(
        reception.file_meta(CTImageStorage, INSTANCE_UID, ExplicitVRLittleEndian, "MODALITY")
    )
    monkeypatch.setattr(reception, "KEPT_IN_MEMORY", header_size + 100)
    received = _reception(tmp_path)
    _write_in_fragments(received, bytes(100), fragment_size=30)

    finished = received.finish()

    assert finished.content == finished.path.read_bytes()
    assert len(finished.content) == header_size + 100


def test_discard_removes_the_temp_file(tmp_path: Path) -> None:
    received = _reception(tmp_path)
    received.write(memoryview(b"partial data set"))
    assert received.path is not None
    assert received.path.exists()

    received.discard()

    assert list(tmp_path.iterdir()) == []


def test_a_missing_incoming_dir_fails_the_reception(tmp_path: Path) -> None:
    received = _reception(tmp_path / "missing")
    received.write(memoryview(b"dropped"))

    assert isinstance(received.error, OSError)
    with pytest.raises(FileNotFoundError):
        received.finish()
