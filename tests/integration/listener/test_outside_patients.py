"""Outside studies keep the issuer of their patient ids, whichever door they came through;
studies from the hospital's own senders have none."""

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.settings import Settings
from app.studies.models import Study
from app.vocabulary import Role
from dicom_listener.samples import KNEE_MR, study_datasets
from tests.integration.listener.conftest import SendDatasets
from tests.support.dicomweb import STOW_TYPE, dicom_parts, multipart_body, part10
from tests.support.factories import make_radiologist
from tests.support.network import free_port


@pytest.fixture
def listener_settings(settings: Settings) -> Settings:
    return settings.model_copy(
        update={
            "dicom_port": free_port(),
            "listener_metrics_port": 0,
            "stable_after": 0.5,
            "outside_calling_aets": ["CLINIC-PACS"],
        }
    )


def _issuers(session: Session) -> dict[str, str | None]:
    rows = session.execute(select(Study.study_instance_uid, Study.patient_issuer))
    return {uid: issuer for uid, issuer in rows}


def test_a_stored_study_keeps_its_issuer_or_takes_the_senders_name(
    client: TestClient, make_token: Callable[..., str], session: Session
) -> None:
    unnamed = list(study_datasets(KNEE_MR))[:1]
    named = list(study_datasets(KNEE_MR, IssuerOfPatientID="CLINIC-NORD"))[:1]
    token = make_token(Role.INTEGRATION, name="OUTSIDE-PORTAL")
    headers = {"Authorization": f"Bearer {token}", "Content-Type": STOW_TYPE}

    answer = client.post(
        "/dicomweb/studies", content=multipart_body(dicom_parts(unnamed + named)), headers=headers
    )

    assert answer.status_code == 200, answer.text
    assert _issuers(session) == {
        unnamed[0].StudyInstanceUID: "OUTSIDE-PORTAL",
        named[0].StudyInstanceUID: "CLINIC-NORD",
    }
    named_uid = named[0].StudyInstanceUID
    found = client.get(f"/dicomweb/studies?StudyInstanceUID={named_uid}", headers=headers).json()
    shown = client.get(f"/api/v1/studies/{named_uid}", headers=headers).json()
    assert found[0]["00100021"]["Value"] == ["CLINIC-NORD"]
    assert shown["patient_issuer"] == "CLINIC-NORD"


def test_an_uploaded_study_takes_the_uploaders_name_as_issuer(
    client: TestClient, make_token: Callable[..., str], session: Session
) -> None:
    (dataset,) = list(study_datasets(KNEE_MR))[:1]
    reader = make_radiologist(session, ("MSK",))
    session.commit()
    token = make_token(Role.RADIOLOGIST, name="dr-outside", radiologist_id=reader.id)
    headers = {"Authorization": f"Bearer {token}"}

    answer = client.post(
        "/api/v1/uploads", files={"file": ("cd/IMG0001", part10(dataset))}, headers=headers
    )

    assert answer.status_code == 200, answer.text
    assert _issuers(session) == {dataset.StudyInstanceUID: "dr-outside"}


def test_only_senders_named_as_outside_give_their_studies_an_issuer(
    send: SendDatasets, session: Session
) -> None:
    local = list(study_datasets(KNEE_MR, IssuerOfPatientID="HOSPITAL"))[:1]
    outside = list(study_datasets(KNEE_MR))[:1]

    assert send(local, calling_ae="MODALITY")["0x0000"] == 1
    assert send(outside, calling_ae="CLINIC-PACS")["0x0000"] == 1

    assert _issuers(session) == {
        local[0].StudyInstanceUID: None,
        outside[0].StudyInstanceUID: "CLINIC-PACS",
    }
