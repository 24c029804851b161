"""The quarantine over the API, on file and on S3 storage: refused datasets listed with why, a
fixed one re-ingested (stored, out of the quarantine), one still broken refused again, one
deleted; each change audited, admins only."""

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from pydicom import Dataset
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.api.main import create_app
from app.audit.models import AuditEvent
from app.settings import Settings
from app.storage.store import storage_of
from app.studies.models import Instance
from app.vocabulary import Role
from dicom_listener.samples import KNEE_MR, study_datasets, write_datasets
from tests.support.dicomweb import STOW_TYPE, dicom_parts, multipart_body
from tests.support.live_api import serving
from tests.support.s3 import S3Server, s3_settings


@pytest.fixture(params=["file", "s3"])
def settings(
    request: pytest.FixtureRequest, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> Settings:
    if request.param == "file":
        return settings
    server: S3Server = request.getfixturevalue("s3_server")
    return s3_settings(settings, server, monkeypatch)


@pytest.fixture
def admin(make_token: Callable[..., str]) -> dict[str, str]:
    return {"Authorization": f"Bearer {make_token(Role.ADMIN, name='Ada Admin')}"}


def _quarantine_one_without_study_uid(
    client: TestClient, headers: dict[str, str]
) -> tuple[Dataset, str]:
    """STOW-RS a dataset without its Study Instance UID; the whole dataset, and its name."""
    whole = next(study_datasets(KNEE_MR))
    broken = Dataset()
    broken.update(whole)
    broken.file_meta = whole.file_meta
    del broken.StudyInstanceUID
    answer = client.post(
        "/dicomweb/studies",
        content=multipart_body(dicom_parts([broken])),
        headers={**headers, "Content-Type": STOW_TYPE},
    )
    assert answer.status_code == 409, answer.text
    listed = client.get("/api/v1/quarantine", headers=headers).json()["datasets"]
    assert [entry["reason"] for entry in listed] == ["missing or invalid StudyInstanceUID"]
    return whole, listed[0]["name"]


def _fix(settings: Settings, name: str, whole: Dataset, tmp_path: Path) -> None:
    """What an admin does where the quarantine keeps the file: put the corrected one there."""
    [fixed] = write_datasets(iter([whole]), tmp_path / "fixed")
    area = storage_of(settings).quarantine
    area.remove(name)
    assert area.put_new(fixed, name)


def test_a_fixed_dataset_is_re_ingested_and_leaves_the_quarantine(
    client: TestClient,
    admin: dict[str, str],
    settings: Settings,
    session: Session,
    tmp_path: Path,
) -> None:
    whole, name = _quarantine_one_without_study_uid(client, admin)
    _fix(settings, name, whole, tmp_path)

    answer = client.post(f"/api/v1/quarantine/{name}/reingest", headers=admin)

    assert answer.status_code == 200, answer.text
    assert answer.json() == {"name": name, "status": "0x0000", "detail": "stored", "stored": True}
    assert client.get("/api/v1/quarantine", headers=admin).json() == {"datasets": []}
    stored = session.scalars(select(Instance.sop_instance_uid)).all()
    assert stored == [whole.SOPInstanceUID]
    audited = session.scalars(select(AuditEvent).where(AuditEvent.object_id == name)).one()
    assert (audited.action, audited.outcome, audited.actor.split(":")[-1]) == (
        "DICOMInstancesTransferred",
        "SUCCESS",
        "Ada Admin",
    )


def test_a_dataset_still_broken_is_refused_again_and_stays_quarantined(
    client: TestClient, admin: dict[str, str], session: Session
) -> None:
    _, name = _quarantine_one_without_study_uid(client, admin)

    answer = client.post(f"/api/v1/quarantine/{name}/reingest", headers=admin)

    assert answer.json()["status"] == "0xC001"
    assert answer.json()["stored"] is False
    [again] = client.get("/api/v1/quarantine", headers=admin).json()["datasets"]
    assert again["reason"] == "missing or invalid StudyInstanceUID"
    assert again["name"] != name
    assert session.scalar(select(func.count()).select_from(Instance)) == 0


def test_a_deleted_dataset_is_gone_and_the_deletion_audited(
    client: TestClient, admin: dict[str, str], session: Session
) -> None:
    _, name = _quarantine_one_without_study_uid(client, admin)

    deleted = client.delete(f"/api/v1/quarantine/{name}", headers=admin)
    again = client.delete(f"/api/v1/quarantine/{name}", headers=admin)

    assert (deleted.status_code, again.status_code) == (204, 404)
    assert client.get("/api/v1/quarantine", headers=admin).json() == {"datasets": []}
    audited = session.scalars(select(AuditEvent).where(AuditEvent.object_id == name)).one()
    assert (audited.action, audited.details) == (
        "DICOMInstancesAccessed",
        {"event_action": "D", "deleted": True},
    )


def test_names_outside_the_quarantine_and_other_roles_are_refused(
    client: TestClient, admin: dict[str, str], make_token: Callable[..., str]
) -> None:
    portal = {"Authorization": f"Bearer {make_token(Role.INTEGRATION)}"}
    escape = client.post("/api/v1/quarantine/..%2Fstorage.dcm/reingest", headers=admin)
    assert escape.status_code in (404, 422)
    assert client.get("/api/v1/quarantine", headers=portal).status_code == 403


def test_a_dataset_re_ingested_twice_at_once_is_filed_once(
    client: TestClient, admin: dict[str, str], settings: Settings, database_url: str
) -> None:
    """An admin's double click: the second waits for the first, then finds the name gone."""
    _, name = _quarantine_one_without_study_uid(client, admin)

    with serving(create_app(settings, database_url)) as url:
        reingest = f"{url}/api/v1/quarantine/{name}/reingest"
        with ThreadPoolExecutor(max_workers=4) as admins:
            answers = admins.map(lambda _: httpx.post(reingest, headers=admin), range(4))
            statuses = sorted(answer.status_code for answer in answers)

    assert statuses == [200, 404, 404, 404]
    [again] = client.get("/api/v1/quarantine", headers=admin).json()["datasets"]
    assert again["name"] != name
