"""The case page: the study and its routing, the report form's buttons, versions and conflicts."""

from datetime import UTC, datetime

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.second_opinions.models import SecondOpinionRequest
from app.vocabulary import Role, TaskState
from tests.support.factories import make_radiologist, make_series, make_study, make_task
from tests.support.web import make_account, sign_in


def _reader(session: Session, database_url: str, client: TestClient, name: str) -> str:
    radiologist = make_radiologist(session, subspecialties=("NEURO",), name=name)
    session.commit()
    make_account(database_url, name, Role.RADIOLOGIST, radiologist.id)
    return sign_in(client, name)


def _act(client: TestClient, task_id: int, csrf: str, action: str, version: int, **text: str):  # type: ignore[no-untyped-def]
    data = {"csrf_token": csrf, "action": action, "version": str(version), **text}
    return client.post(f"/tasks/{task_id}", data=data, follow_redirects=False)


def test_the_case_shows_study_series_and_routing_with_exactly_the_allowed_buttons(
    client: TestClient, session: Session, database_url: str
) -> None:
    study = make_study(session, patient_name="CASE^SHOWN", clinical_question="neck pain, C6?")
    make_series(session, study, series_number=2, plane="SAG", sequence="T2", fat_sat=True)
    task = make_task(session, study, route_reasons=["cervical spine → NEURO"])
    session.commit()
    csrf = _reader(session, database_url, client, "dr-lee")
    page = client.get(f"/tasks/{task.id}").text
    for shown in ("CASE, SHOWN", "neck pain, C6?", "cervical spine → NEURO", "SAG", "T2"):
        assert shown in page
    assert 'value="claim"' in page
    assert 'value="finalize"' not in page
    assert _act(client, task.id, csrf, "claim", task.version).status_code == 303
    claimed = client.get(f"/tasks/{task.id}").text
    assert 'value="finalize"' in claimed
    assert 'value="release"' in claimed
    assert 'data-heartbeat="on"' in claimed


def test_finalize_needs_an_impression_and_keeps_the_findings(
    client: TestClient, session: Session, database_url: str
) -> None:
    task = make_task(session)
    session.commit()
    csrf = _reader(session, database_url, client, "dr-lee")
    _act(client, task.id, csrf, "claim", task.version)
    session.refresh(task)
    refused = _act(client, task.id, csrf, "finalize", task.version, findings="Disc bulge C5-6.")
    assert refused.status_code == 422
    assert "needs an impression" in refused.text
    assert "Disc bulge C5-6." in refused.text
    done = _act(client, task.id, csrf, "finalize", task.version, findings="Disc bulge C5-6.",
                impression="No cord compression.")  # fmt: skip
    assert done.status_code == 303
    session.refresh(task)
    assert task.state == TaskState.FINAL.value


def test_a_stale_version_says_who_moved_first_and_keeps_the_text(
    client: TestClient, session: Session, database_url: str
) -> None:
    task = make_task(session)
    session.commit()
    csrf = _reader(session, database_url, client, "dr-lee")
    _act(client, task.id, csrf, "claim", task.version)
    stale = _act(client, task.id, csrf, "preliminary", task.version, findings="typed so far")
    assert stale.status_code == 409
    assert "dr-lee moved first: claim → IN_PROGRESS" in stale.text
    assert "typed so far" in stale.text


def test_viewer_link_only_when_configured(
    client: TestClient, session: Session, database_url: str
) -> None:
    task = make_task(session, make_study(session, accession_number="ACC 1"))
    session.commit()
    _reader(session, database_url, client, "dr-lee")
    assert "Open in viewer" not in client.get(f"/tasks/{task.id}").text
    client.app.state.settings = client.app.state.settings.model_copy(  # type: ignore[attr-defined]
        update={"viewer_url": "https://pacs.example/view?acc={accession_number}"}
    )
    assert "https://pacs.example/view?acc=ACC%201" in client.get(f"/tasks/{task.id}").text


def test_times_are_shown_on_the_departments_clock(
    client: TestClient, session: Session, database_url: str
) -> None:
    task = make_task(session, due_at=datetime(2026, 12, 7, 0, 30, tzinfo=UTC))
    session.commit()
    _reader(session, database_url, client, "dr-lee")
    assert "07 Dec 2026 00:30 UTC" in client.get(f"/tasks/{task.id}").text
    client.app.state.settings = client.app.state.settings.model_copy(  # type: ignore[attr-defined]
        update={"timezone": "America/New_York"}
    )
    assert "06 Dec 2026 19:30 EST" in client.get(f"/tasks/{task.id}").text


def test_a_prior_links_to_its_read_and_says_whether_it_was_reported(
    client: TestClient, session: Session, database_url: str
) -> None:
    prior = make_study(session, patient_id="PID-90", study_description="MRI CSPINE 2024")
    prior_read = make_task(session, prior, state=TaskState.FINAL.value)
    task = make_task(session, make_study(session, patient_id="PID-90"))
    session.commit()
    _reader(session, database_url, client, "dr-lee")
    page = client.get(f"/tasks/{task.id}").text
    assert f'<a href="/tasks/{prior_read.id}">MRI CSPINE 2024</a>' in page
    assert "reported" in page


def test_a_second_opinion_request_is_shown_and_finalized_with_its_concordance(
    client: TestClient, session: Session, database_url: str
) -> None:
    task = make_task(session)
    request = SecondOpinionRequest(
        study_instance_uid="1.2.3", study_id=task.study_id, task_id=task.id, status="received",
        organisation="Clinique du Lac", contact_name="Dr Smith", contact_email="s@lac.example",
        clinical_question="myelopathy?", service_level="48h", requested_by="portal",
        outside_report="No cord compression seen outside.",
    )  # fmt: skip
    session.add(request)
    session.commit()
    csrf = _reader(session, database_url, client, "dr-lee")
    _act(client, task.id, csrf, "claim", task.version)
    session.refresh(task)
    page = client.get(f"/tasks/{task.id}").text
    for shown in ("Clinique du Lac", "within 48h", "No cord compression seen outside."):
        assert shown in page
    assert "Agreement with the outside report" in page
    text = {"findings": "Cord signal at C5.", "impression": "Myelopathy."}
    refused = _act(client, task.id, csrf, "finalize", task.version, **text)
    assert refused.status_code == 422
    assert "concordance" in refused.text
    done = _act(client, task.id, csrf, "finalize", task.version, concordance="minor discrepancy",
                **text)  # fmt: skip
    assert done.status_code == 303
    session.refresh(request)
    assert (request.status, request.concordance) == ("final", "minor discrepancy")


def test_low_confidence_series_and_questions_are_marked_for_a_person_to_check(
    client: TestClient, session: Session, database_url: str
) -> None:
    study = make_study(session, clinical_question="see notes", confidence={"categories": "low"})
    unsure = {"sequence": "low", "plane": "high", "fat_sat": None}
    make_series(session, study, series_number=1, sequence="T2", confidence=unsure)
    make_series(session, study, series_number=2, sequence="T1", confidence={"sequence": "high"})
    corrected = {"sequence": "FLAIR", "reason": "named T2 by the scanner"}
    make_series(session, study, series_number=3, confidence=unsure, correction=corrected)
    task = make_task(session, study)
    session.commit()
    _reader(session, database_url, client, "dr-lee")

    page = client.get(f"/tasks/{task.id}").text

    assert "Check: no routing category was recognised in this question." in page
    assert page.count('<tr class="unsure">') == 1
    assert page.count('<mark class="unsure">check</mark>') == 1
    assert "Check: the urgency" not in page
