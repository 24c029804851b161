"""`/intake`: admins and radiologists open it; its uploads carry the session's CSRF token in a
header, and one without it is refused before anything is stored."""

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.studies.models import Instance
from app.vocabulary import Role
from dicom_listener.samples import KNEE_MR, study_datasets
from tests.support.dicomweb import part10
from tests.support.factories import make_radiologist
from tests.support.web import make_account, sign_in


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
