"""`/intake`: admins and radiologists open it; its uploads carry the session's CSRF token in a
header, and one without it is refused before anything is stored; the answer names each study by
what a person recognises it by, and showing it is audited as a read of the patient's record."""

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.audit.events import AuditAction
from app.audit.models import AuditEvent
from app.studies.models import Instance
from app.vocabulary import Role
from dicom_listener.samples import KNEE_MR, study_datasets
from tests.support.dicomweb import part10
from tests.support.factories import make_radiologist
from tests.support.outside_studies import clinic_knee_mr
from tests.support.web import make_account, sign_in

SHOWN = ("patient_name", "patient_display_name", "patient_id", "patient_issuer", "study_date",
         "modalities", "study_description")  # fmt: skip


def test_a_signed_in_radiologist_uploads_with_the_csrf_header_and_not_without(
    client: TestClient, session: Session, database_url: str
) -> None:
    reader = make_radiologist(session, ("MSK",))
    session.commit()
    make_account(database_url, "dr-intake", Role.RADIOLOGIST, radiologist_id=reader.id)
    csrf = sign_in(client, "dr-intake")
    (dataset,) = list(study_datasets(KNEE_MR))[:1]
    files = {"file": ("CD/DICOM/IM0001", part10(dataset))}

    page = client.get("/intake")
    forged = client.post("/api/v1/uploads", files=files)
    sent = client.post("/api/v1/uploads", files=files, headers={"X-CSRF-Token": csrf})

    assert page.status_code == 200
    assert 'src="/static/js/intake.js"' in page.text
    assert forged.status_code == 403
    assert sent.status_code == 200, sent.text
    assert sent.json()["stored"] == 1
    assert session.scalar(select(func.count()).select_from(Instance)) == 1


def test_the_answer_names_each_stored_study_by_patient_date_modality_and_description(
    client: TestClient, session: Session, database_url: str
) -> None:
    make_account(database_url, "ms-intake", Role.ADMIN)
    csrf = sign_in(client, "ms-intake")
    dataset = next(clinic_knee_mr())
    files = {"file": ("CD/DICOM/IM0001", part10(dataset))}

    sent = client.post("/api/v1/uploads", files=files, headers={"X-CSRF-Token": csrf})

    assert sent.status_code == 200, sent.text
    (study,) = sent.json()["studies"]
    assert study["study_instance_uid"] == dataset.StudyInstanceUID
    assert {name: study[name] for name in SHOWN} == {
        "patient_name": "ROSSI^ANNA",
        "patient_display_name": "ROSSI, ANNA",
        "patient_id": "CLIN-4471",
        "patient_issuer": "LAKESIDE CLINIC",
        "study_date": "2026-11-20",
        "modalities": ["MR"],
        "study_description": "MRI KNEE RIGHT WO CONTRAST",
    }
    read = select(AuditEvent).where(AuditEvent.action == AuditAction.PATIENT_RECORD)
    (audited,) = session.scalars(read)
    assert (audited.object_type, audited.object_id) == ("study", dataset.StudyInstanceUID)
    assert "ms-intake" in audited.actor


def test_a_study_without_a_patient_name_is_answered_in_the_words_the_pages_use(
    client: TestClient, database_url: str
) -> None:
    make_account(database_url, "ms-intake", Role.ADMIN)
    csrf = sign_in(client, "ms-intake")
    dataset = next(clinic_knee_mr())
    del dataset.PatientName
    files = {"file": ("CD/DICOM/IM0001", part10(dataset))}

    sent = client.post("/api/v1/uploads", files=files, headers={"X-CSRF-Token": csrf})

    assert sent.status_code == 200, sent.text
    (study,) = sent.json()["studies"]
    assert (study["patient_name"], study["patient_display_name"]) == (None, "(no name)")
