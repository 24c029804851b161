"""The listener's contract with S3 storage, against a real S3 protocol server (moto): stored
before the row is committed and the answer sent, never replaced, refused datasets quarantined in
the bucket, a failed or hung store answered 0xA700 without a row, and reconciliation at start."""

import os
import subprocess
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from app.db.session import session_scope
from app.settings import Settings
from app.storage.s3 import BucketArea, S3Connection
from app.storage.store import storage_of
from app.studies.models import Instance
from app.vocabulary import Role
from dicom_listener.reconcile import reconcile
from dicom_listener.samples import CERVICAL_SPINE_MR, KNEE_MR, study_datasets, write_datasets
from dicom_listener.sender import Destination, send_files
from dicom_listener.server import start_acceptor
from tests.integration.listener.conftest import SendDatasets, listener_process
from tests.support.dicomweb import STOW_TYPE, dicom_parts, multipart_body
from tests.support.network import free_port
from tests.support.s3 import S3Server, moto_server, s3_settings


@pytest.fixture
def settings(settings: Settings, s3_server: S3Server, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Every process of these tests stores into a bucket of the test's own."""
    return s3_settings(settings, s3_server, monkeypatch)


def _bucket(settings: Settings) -> str:
    return settings.storage.removeprefix("s3://").partition("/")[0]


def _instance_count(database_url: str) -> int:
    with session_scope(database_url) as session:
        return session.scalar(select(func.count()).select_from(Instance)) or 0


def test_bucket_writes_never_replace_an_object(
    settings: Settings, s3_server: S3Server, tmp_path: Path
) -> None:
    area = BucketArea(S3Connection(s3_server.endpoint, "path", 5), _bucket(settings), "p")
    first, second = tmp_path / "first", tmp_path / "second"
    first.write_bytes(b"original")
    second.write_bytes(b"re-sent")

    assert area.put_new(first, "1/2/3.dcm")
    assert not area.put_new(second, "1/2/3.dcm")
    with area.open("1/2/3.dcm") as stored:
        assert stored.read() == b"original"
    assert [stored.key for stored in area.objects()] == ["1/2/3.dcm"]


@pytest.mark.dcmtk
def test_study_sent_twice_by_storescu_is_stored_once_in_the_bucket_and_nowhere_else(
    dcmtk: Callable[[str], str],
    listener: Settings,
    s3_server: S3Server,
    database_url: str,
    tmp_path: Path,
) -> None:
    files = write_datasets(study_datasets(CERVICAL_SPINE_MR), tmp_path / "study")
    command = [dcmtk("storescu"), "-aet", "MODALITY", "-aec", listener.ae_title, "+sd", "+r"]
    command += ["127.0.0.1", str(listener.dicom_port), str(tmp_path / "study")]
    environment = {**os.environ, "TCP_NODELAY": "1"}

    for _ in range(2):
        sent = subprocess.run(command, capture_output=True, text=True, timeout=120, env=environment)
        assert sent.returncode == 0, sent.stderr

    keys = s3_server.keys(_bucket(listener), "worklist/instances/")
    assert len(keys) == _instance_count(database_url) == len(files)
    assert not listener.storage_dir.exists() or not any(listener.storage_dir.rglob("*.dcm"))
    assert list(storage_of(listener).spool_dir.iterdir()) == []


def test_refused_dataset_is_quarantined_in_the_bucket_with_its_reason(
    send: SendDatasets, listener: Settings, s3_server: S3Server, database_url: str
) -> None:
    dataset = next(study_datasets(KNEE_MR))
    del dataset.StudyInstanceUID

    assert send([dataset]) == Counter({"0xC001": 1})

    kept = s3_server.keys(_bucket(listener), "worklist/quarantine/")
    assert len(kept) == 2
    assert kept[1] == kept[0].removesuffix(".dcm") + ".reason.txt"
    reason = s3_server.client().get_object(Bucket=_bucket(listener), Key=kept[1])
    assert reason["Body"].read().decode().strip() == "missing or invalid StudyInstanceUID"
    assert _instance_count(database_url) == 0


@pytest.mark.faults
def test_hung_store_answers_a700_without_a_row_and_a_resend_completes(
    settings: Settings, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = write_datasets(study_datasets(KNEE_MR), tmp_path / "study")[:4]
    with moto_server(tmp_path / "own-s3") as own:
        hanging = s3_settings(
            settings, own, monkeypatch, s3_timeout=1.0, dicom_port=free_port(), stable_after=0.5
        )
        reconcile(storage_of(hanging), database_url)
        server = start_acceptor(hanging, database_url)
        destination = Destination("127.0.0.1", hanging.dicom_port, hanging.ae_title, "MODALITY")
        try:
            with own.paused():
                during = send_files(files[:2], destination)
                rows_during = _instance_count(database_url)
            after = send_files(files, destination)
        finally:
            server.shutdown()
        keys = own.keys(_bucket(hanging), "worklist/instances/")

    assert during == Counter({"0xA700": 2})
    assert rows_during == 0
    assert after == Counter({"0x0000": 4})
    assert len(keys) == _instance_count(database_url) == 4


def test_a_store_refusing_the_write_answers_a700_without_a_row(
    settings: Settings, send: SendDatasets, listener: Settings, database_url: str
) -> None:
    s3_client = S3Connection(listener.s3_endpoint, "path", 5).client
    bucket = _bucket(listener)
    s3_client.delete_bucket(Bucket=bucket)

    assert send(list(study_datasets(KNEE_MR))[:2]) == Counter({"0xA700": 2})
    assert _instance_count(database_url) == 0


def test_reconciliation_indexes_stored_objects_without_rows_and_clears_the_spool(
    settings: Settings, database_url: str, tmp_path: Path
) -> None:
    listening = settings.model_copy(update={"dicom_port": free_port(), "stable_after": 0.5})
    files = write_datasets(study_datasets(CERVICAL_SPINE_MR), tmp_path / "study")[:5]
    destination = Destination("127.0.0.1", listening.dicom_port, "WORKLIST", "MODALITY")
    with listener_process(listening, database_url):
        assert send_files(files, destination) == Counter({"0x0000": 5})
    with session_scope(database_url) as session:
        session.execute(text("DELETE FROM instances WHERE id IN (SELECT min(id) FROM instances)"))
    leftover = storage_of(listening).spool_dir / "tmp-interrupted.dcm"
    leftover.write_bytes(b"partial")

    indexed = reconcile(storage_of(listening), database_url)

    assert indexed == 1
    assert _instance_count(database_url) == 5
    assert not leftover.exists()


def test_dicomweb_retrieves_and_describes_instances_stored_in_the_bucket(
    client: TestClient, make_token: Callable[..., str], session: Session
) -> None:
    headers = {"Authorization": f"Bearer {make_token(Role.INTEGRATION, name='PORTAL')}"}
    datasets = list(study_datasets(KNEE_MR))[:2]
    stored = client.post(
        "/dicomweb/studies",
        content=multipart_body(dicom_parts(datasets)),
        headers={**headers, "Content-Type": STOW_TYPE},
    )
    assert stored.status_code == 200, stored.text
    study, series = datasets[0].StudyInstanceUID, datasets[0].SeriesInstanceUID
    instance = f"/dicomweb/studies/{study}/series/{series}/instances/{datasets[0].SOPInstanceUID}"

    whole = client.get(f"/dicomweb/studies/{study}", headers=headers)
    header = client.get(f"{instance}/metadata", headers=headers)
    frame = client.get(f"{instance}/frames/1", headers=headers)

    assert whole.status_code == 200
    assert whole.content.count(b"Content-Type: application/dicom\r\n") == 2
    assert header.json()[0]["00080018"]["Value"] == [datasets[0].SOPInstanceUID]
    assert frame.status_code == 200
    assert datasets[0].PixelData in frame.content
