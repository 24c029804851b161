"""Every page writes a patient's name as a reader does (`ROSSI, ANNA`, not DICOM's `ROSSI^ANNA`)
and a study without a name in the same words everywhere."""

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.vocabulary import Role
from tests.support.factories import make_radiologist, make_study, make_task
from tests.support.web import make_account, sign_in


@pytest.fixture
def reader(client: TestClient, session: Session, database_url: str) -> None:
    radiologist = make_radiologist(session, subspecialties=("NEURO",))
    session.commit()
    make_account(database_url, "dr-names", Role.RADIOLOGIST, radiologist.id)
    sign_in(client, "dr-names")


@pytest.mark.usefixtures("reader")
def test_the_worklist_and_the_case_write_a_dicom_name_family_first(
    client: TestClient, session: Session
) -> None:
    task = make_task(session, make_study(session, patient_name="ROSSI^ANNA^^^"))
    session.commit()

    worklist = client.get("/?tab=pools").text
    case = client.get(f"/tasks/{task.id}").text

    for page in (worklist, case):
        assert "ROSSI, ANNA" in page
        assert "ROSSI^ANNA" not in page
    assert f'<a href="/tasks/{task.id}">ROSSI, ANNA</a>' in worklist
    assert "<h1>ROSSI, ANNA · " in case


@pytest.mark.parametrize("stored", [None, "", "^^^^"])
@pytest.mark.usefixtures("reader")
def test_a_study_without_a_name_is_called_the_same_on_both_pages(
    client: TestClient, session: Session, stored: str | None
) -> None:
    task = make_task(session, make_study(session, patient_name=stored))
    session.commit()

    worklist = client.get("/?tab=pools").text
    case = client.get(f"/tasks/{task.id}").text

    assert f'<a href="/tasks/{task.id}">(no name)</a>' in worklist
    assert "<h1>(no name) · " in case


@pytest.mark.usefixtures("reader")
def test_the_case_writes_the_referring_physician_as_a_name_too(
    client: TestClient, session: Session
) -> None:
    study = make_study(session, patient_name="ROSSI^ANNA")
    study.referring_physician = "SMITH^JOHN^^Dr."
    task = make_task(session, study)
    session.commit()

    case = client.get(f"/tasks/{task.id}").text

    assert "<dt>Referrer</dt><dd>SMITH, Dr. JOHN</dd>" in case
