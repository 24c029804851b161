"""STOW-RS: instances stored over HTTP under the listener's contract, and hostile bodies refused."""

from collections import Counter
from collections.abc import Callable
from pathlib import Path
from xml.etree import ElementTree

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.settings import Settings
from app.studies.models import Instance, Study
from app.vocabulary import Role
from dicom_listener.samples import KNEE_MR, study_datasets
from tests.integration.listener.conftest import SendDatasets
from tests.support.dicomweb import BOUNDARY, STOW_TYPE, dicom_parts, multipart_body, part10
from tests.support.factories import make_radiologist


def _headers(make_token: Callable[..., str]) -> dict[str, str]:
    return {"Authorization": f"Bearer {make_token(Role.INTEGRATION, name='OUTSIDE-PORTAL')}"}


def _instances(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Instance)) or 0


def test_stored_instances_are_filed_like_the_listener_files_them(
    client: TestClient, make_token: Callable[..., str], settings: Settings, session: Session
) -> None:
    datasets = list(study_datasets(KNEE_MR))[:4]
    study_uid = datasets[0].StudyInstanceUID
    headers = {**_headers(make_token), "Content-Type": STOW_TYPE}

    answer = client.post(
        "/dicomweb/studies", content=multipart_body(dicom_parts(datasets)), headers=headers
    )
    again = client.post(
        f"/dicomweb/studies/{study_uid}",
        content=multipart_body(dicom_parts(datasets)),
        headers=headers,
    )

    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/dicom+json"
    stored = answer.json()["00081199"]["Value"]
    assert [item["00081155"]["Value"][0] for item in stored] == [
        ds.SOPInstanceUID for ds in datasets
    ]
    assert answer.json()["00081190"]["Value"][0].endswith(f"/dicomweb/studies/{study_uid}")
    assert again.status_code == 200  # a re-sent instance succeeds, once
    study = session.scalars(select(Study)).one()
    assert study.source_ae_title == "OUTSIDE-PORTAL"
    assert _instances(session) == 4
    for ds in datasets:
        filed = settings.storage_dir / study_uid / ds.SeriesInstanceUID / f"{ds.SOPInstanceUID}.dcm"
        assert filed.read_bytes() == part10(ds)
    assert not list((settings.storage_dir / ".incoming").iterdir())


def test_a_non_dicom_part_fails_alone_with_its_reason(
    client: TestClient, make_token: Callable[..., str], session: Session
) -> None:
    (good,) = list(study_datasets(KNEE_MR))[:1]
    parts = [
        *dicom_parts([good]),
        ("application/dicom", b"not a DICOM file at all"),
        ("text/plain", b"hello"),
    ]
    headers = {**_headers(make_token), "Content-Type": STOW_TYPE}

    answer = client.post("/dicomweb/studies", content=multipart_body(parts), headers=headers)

    assert answer.status_code == 202, answer.text
    failed = answer.json()["00081198"]["Value"]
    assert [item["00081197"]["Value"][0] & 0xF000 for item in failed] == [0xC000, 0xC000]
    assert len(answer.json()["00081199"]["Value"]) == 1
    assert _instances(session) == 1


def test_a_value_the_database_refuses_fails_only_its_own_instance_of_a_series_sent_together(
    client: TestClient, make_token: Callable[..., str], settings: Settings, session: Session
) -> None:
    datasets = list(study_datasets(KNEE_MR))[:4]
    refused = datasets[2]
    refused.InstanceNumber = "9999999999"  # a valid IS, past the database's integer
    headers = {**_headers(make_token), "Content-Type": STOW_TYPE}

    answer = client.post(
        "/dicomweb/studies", content=multipart_body(dicom_parts(datasets)), headers=headers
    )

    assert answer.status_code == 202, answer.text
    failed = answer.json()["00081198"]["Value"]
    assert [item["00081155"]["Value"][0] for item in failed] == [refused.SOPInstanceUID]
    assert failed[0]["00081197"]["Value"][0] & 0xF000 == 0xC000
    assert _instances(session) == 3
    series_folder = settings.storage_dir / refused.StudyInstanceUID / refused.SeriesInstanceUID
    assert sorted(path.stem for path in series_folder.iterdir()) == sorted(
        ds.SOPInstanceUID for ds in datasets if ds is not refused
    )
    assert len(list(settings.quarantine_dir.glob("*.dcm"))) == 1


def test_an_instance_sent_twice_in_one_request_is_stored_once_and_both_succeed(
    client: TestClient, make_token: Callable[..., str], session: Session
) -> None:
    datasets = list(study_datasets(KNEE_MR))[:3]
    headers = {**_headers(make_token), "Content-Type": STOW_TYPE}

    answer = client.post(
        "/dicomweb/studies",
        content=multipart_body(dicom_parts([*datasets, datasets[1]])),
        headers=headers,
    )

    assert answer.status_code == 200, answer.text
    stored = [item["00081155"]["Value"][0] for item in answer.json()["00081199"]["Value"]]
    assert stored == [ds.SOPInstanceUID for ds in [*datasets, datasets[1]]]
    assert _instances(session) == 3


def test_instances_of_another_study_than_the_one_named_all_fail(
    client: TestClient, make_token: Callable[..., str], session: Session
) -> None:
    datasets = list(study_datasets(KNEE_MR))[:2]
    headers = {**_headers(make_token), "Content-Type": STOW_TYPE}

    answer = client.post(
        "/dicomweb/studies/1.2.3.4", content=multipart_body(dicom_parts(datasets)), headers=headers
    )

    assert answer.status_code == 409, answer.text
    failed = answer.json()["00081198"]["Value"]
    assert {item["00081197"]["Value"][0] for item in failed} == {0x0110}
    assert _instances(session) == 0


def test_malformed_bodies_store_nothing_and_the_service_keeps_serving(
    client: TestClient, make_token: Callable[..., str], session: Session
) -> None:
    datasets = list(study_datasets(KNEE_MR))[:2]
    whole = multipart_body(dicom_parts(datasets))
    auth = _headers(make_token)
    bodies = {
        "truncated": (STOW_TYPE, whole[: len(whole) // 2]),
        "unclosed": (STOW_TYPE, multipart_body(dicom_parts(datasets), closed=False)),
        "no boundary": ('multipart/related; type="application/dicom"', whole),
        "empty": (STOW_TYPE, f"--{BOUNDARY}--\r\n".encode()),
        "garbage": (STOW_TYPE, b"\x00\xff" * 1000),
    }
    for name, (content_type, body) in bodies.items():
        answer = client.post(
            "/dicomweb/studies", content=body, headers={**auth, "Content-Type": content_type}
        )
        assert answer.status_code == 400, (name, answer.text)
        assert answer.json()["detail"], name

    assert _instances(session) == 0
    answer = client.post(
        "/dicomweb/studies", content=whole, headers={**auth, "Content-Type": STOW_TYPE}
    )
    assert answer.status_code == 200


def test_wrong_media_types_are_refused_with_415(
    client: TestClient, make_token: Callable[..., str]
) -> None:
    auth = _headers(make_token)
    for content_type in (
        "application/json",
        f'multipart/related; type="application/dicom+xml"; boundary={BOUNDARY}',
        "",
    ):
        answer = client.post(
            "/dicomweb/studies", content=b"{}", headers={**auth, "Content-Type": content_type}
        )
        assert answer.status_code == 415, (content_type, answer.text)


def test_only_integration_and_admin_tokens_may_store(
    client: TestClient, make_token: Callable[..., str], session: Session
) -> None:
    body = multipart_body(dicom_parts(list(study_datasets(KNEE_MR))[:1]))
    reader = make_radiologist(session)
    session.commit()
    token = make_token(Role.RADIOLOGIST, name="reader", radiologist_id=reader.id)
    refused = client.post(
        "/dicomweb/studies",
        content=body,
        headers={"Authorization": f"Bearer {token}", "Content-Type": STOW_TYPE},
    )
    anonymous = client.post("/dicomweb/studies", content=body, headers={"Content-Type": STOW_TYPE})

    assert refused.status_code == 403
    assert anonymous.status_code == 401


def test_a_study_sent_half_by_c_store_and_half_by_stow_rs_is_one_study(
    client: TestClient,
    make_token: Callable[..., str],
    send: SendDatasets,
    listener: Settings,
    session: Session,
    tmp_path: Path,
) -> None:
    datasets = list(study_datasets(KNEE_MR))[:6]
    headers = {**_headers(make_token), "Content-Type": STOW_TYPE}

    assert send(datasets[:3]) == Counter({"0x0000": 3})
    answer = client.post(
        "/dicomweb/studies", content=multipart_body(dicom_parts(datasets[2:])), headers=headers
    )

    assert answer.status_code == 200
    assert session.scalar(select(func.count()).select_from(Study)) == 1
    assert _instances(session) == 6


def test_a_long_token_name_is_recorded_as_the_source_cut_to_an_ae_title(
    client: TestClient, make_token: Callable[..., str], session: Session
) -> None:
    token = make_token(Role.INTEGRATION, name="second-opinion-portal-of-the-clinic")
    answer = client.post(
        "/dicomweb/studies",
        content=multipart_body(dicom_parts(list(study_datasets(KNEE_MR))[:1])),
        headers={"Authorization": f"Bearer {token}", "Content-Type": STOW_TYPE},
    )

    assert answer.status_code == 200, answer.text
    assert session.scalars(select(Study)).one().source_ae_title == "second-opinion-p"


def test_the_store_response_is_native_dicom_xml_when_asked_for(
    client: TestClient, make_token: Callable[..., str]
) -> None:
    (good,) = list(study_datasets(KNEE_MR))[:1]
    parts = [*dicom_parts([good]), ("application/dicom", b"not a DICOM file at all")]
    headers = {
        **_headers(make_token),
        "Content-Type": STOW_TYPE,
        "Accept": "application/dicom+xml",
    }

    answer = client.post("/dicomweb/studies", content=multipart_body(parts), headers=headers)

    assert answer.status_code == 202, answer.text
    assert answer.headers["content-type"] == "application/dicom+xml"
    native = "{http://dicom.nema.org/PS3.19/models/NativeDICOM}"
    root = ElementTree.fromstring(answer.content)
    assert root.tag == f"{native}NativeDicomModel"

    def values(parent: ElementTree.Element, keyword: str) -> list[str]:
        found = parent.find(f"{native}DicomAttribute[@keyword='{keyword}']")
        assert found is not None, keyword
        return [value.text or "" for value in found.iter(f"{native}Value")]

    stored, failed = (
        root.find(f"{native}DicomAttribute[@keyword='{keyword}']/{native}Item")
        for keyword in ("ReferencedSOPSequence", "FailedSOPSequence")
    )
    assert stored is not None
    assert failed is not None
    assert values(stored, "ReferencedSOPInstanceUID") == [good.SOPInstanceUID]
    assert values(stored, "RetrieveURL")[0].endswith(f"/instances/{good.SOPInstanceUID}")
    assert int(values(failed, "FailureReason")[0]) & 0xF000 == 0xC000
