"""QIDO-RS searches by the standard matching keys and WADO-RS retrieves, on studies stored here."""

from collections.abc import Callable

from fastapi.testclient import TestClient
from pydicom import Dataset
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit.models import AuditEvent
from app.vocabulary import Role
from dicom_listener.samples import HEAD_CT, KNEE_MR, study_datasets
from tests.support.dicomweb import STOW_TYPE, dicom_parts, multipart_body


def _store(client: TestClient, headers: dict[str, str], datasets: list[Dataset]) -> None:
    answer = client.post(
        "/dicomweb/studies",
        content=multipart_body(dicom_parts(datasets)),
        headers={**headers, "Content-Type": STOW_TYPE},
    )
    assert answer.status_code == 200, answer.text


def _uids(answer: list[dict[str, dict[str, list[str]]]], tag: str = "0020000D") -> list[str]:
    return [item[tag]["Value"][0] for item in answer]


def test_studies_are_found_by_the_standard_matching_keys(
    client: TestClient, make_token: Callable[..., str], session: Session
) -> None:
    headers = {"Authorization": f"Bearer {make_token(Role.INTEGRATION, name='PORTAL')}"}
    knee = list(study_datasets(KNEE_MR, PatientName="SMITH^ANNA", StudyDate="20261120"))[:2]
    head = list(study_datasets(HEAD_CT, PatientName="SMYTHE^JOHN", StudyDate="20261204"))[:2]
    _store(client, headers, knee)
    _store(client, headers, head)
    knee_uid, head_uid = knee[0].StudyInstanceUID, head[0].StudyInstanceUID

    def search(**params: str) -> list[str]:
        answer = client.get("/dicomweb/studies", params=params, headers=headers)
        assert answer.status_code == 200, answer.text
        assert answer.headers["content-type"] == "application/dicom+json"
        return _uids(answer.json())

    assert search(PatientName="SM?TH*") == [knee_uid, head_uid]
    assert search(PatientName="SMITH*") == [knee_uid]
    assert search(PatientName="smith*") == []  # no fuzzy matching
    assert search(PatientID=knee[0].PatientID) == [knee_uid]
    assert search(**{"00080050": head[0].AccessionNumber}) == [head_uid]
    assert search(StudyDate="20261201-") == [head_uid]
    assert search(StudyDate="-20261130") == [knee_uid]
    assert search(ModalitiesInStudy="CT") == [head_uid]
    assert search(StudyInstanceUID=f"{head_uid},{knee_uid}") == [knee_uid, head_uid]
    assert search(limit="1", offset="1", includefield="all") == [head_uid]
    bad = client.get("/dicomweb/studies", params={"StudyDate": "2026-12-01"}, headers=headers)
    assert bad.status_code == 400
    assert "StudyDate '2026-12-01' is not a date or a range" in bad.json()["detail"]
    audited = session.scalars(select(AuditEvent).where(AuditEvent.action == "Query")).all()
    assert len(audited) == 10


def test_what_a_search_cannot_match_on_is_said_in_a_warning(
    client: TestClient, make_token: Callable[..., str]
) -> None:
    headers = {"Authorization": f"Bearer {make_token(Role.INTEGRATION, name='PORTAL')}"}
    _store(client, headers, list(study_datasets(KNEE_MR, PatientName="SMITH^ANNA"))[:1])
    params = {"StudyDescription": "KNEE*", "00080090": "X", "fuzzymatching": "true"}

    answer = client.get("/dicomweb/studies", params=params, headers=headers)

    assert answer.status_code == 200
    assert len(answer.json()) == 1  # matched on what is supported, which here is nothing
    assert answer.headers.get_list("warning") == [
        '299 testserver "The following query keys are not supported and were ignored:'
        ' ReferringPhysicianName, StudyDescription"',
        '299 testserver "The fuzzymatching parameter is not supported.'
        ' Only literal matching has been performed."',
    ]
    plain = client.get("/dicomweb/studies", params={"PatientName": "SMITH*"}, headers=headers)
    assert "warning" not in plain.headers
    odd = client.get("/dicomweb/studies", params={'Study"\r\n字': "1"}, headers=headers)
    assert odd.headers["warning"].endswith('ignored: Study\\"\\r\\n\\u5b57"')


def test_a_stored_series_is_searched_and_retrieved_as_stored(
    client: TestClient, make_token: Callable[..., str], session: Session
) -> None:
    headers = {"Authorization": f"Bearer {make_token(Role.INTEGRATION, name='PORTAL')}"}
    datasets = list(study_datasets(KNEE_MR))[:3]
    _store(client, headers, datasets)
    study, series = datasets[0].StudyInstanceUID, datasets[0].SeriesInstanceUID
    base = f"/dicomweb/studies/{study}"

    found_series = client.get(f"{base}/series", headers=headers).json()
    found = client.get(f"{base}/series/{series}/instances", headers=headers).json()
    retrieved = client.get(f"{base}/series/{series}", headers=headers)
    metadata = client.get(f"{base}/metadata", headers=headers).json()
    missing = client.get("/dicomweb/studies/1.2.3/metadata", headers=headers)

    assert _uids(found_series, "0020000E") == [series]
    assert sorted(_uids(found, "00080018")) == sorted(ds.SOPInstanceUID for ds in datasets)
    assert retrieved.status_code == 200
    assert retrieved.headers["content-type"].startswith(
        'multipart/related; type="application/dicom"'
    )
    for _, part in dicom_parts(datasets):
        assert part in retrieved.content
    assert [item["00100020"]["Value"][0] for item in metadata] == [datasets[0].PatientID] * 3
    assert "7FE00010" not in metadata[0]
    assert missing.status_code == 404
    accessed = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "DICOMInstancesAccessed")
    ).all()
    assert [row.object_id for row in accessed] == [study, study]
