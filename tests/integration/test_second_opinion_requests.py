"""Second-opinion requests from outside, end to end on a real Postgres: a study uploaded, a request
made, routed with its service level, read, finalised, returned as JSON and PDF, and announced by
the change feed and by signed webhooks to a real HTTP receiver, down and then up."""

import io
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydicom import Dataset
from pypdf import PdfReader
from sqlalchemy import update

from app.api.main import create_app
from app.db.session import session_scope
from app.deliveries.models import OutboxMessage
from app.deliveries.service import deliver_pending
from app.settings import Settings
from app.tasks.models import ReadingTask
from app.vocabulary import Role
from app.workflow.on_stable import mark_settled_studies_stable
from dicom_listener.samples import CERVICAL_SPINE_MR, KNEE_MR, study_datasets
from tests.support.dicomweb import part10
from tests.support.network import free_port
from tests.support.readers import bearer, make_reader
from tests.support.webhook_receiver import WebhookReceiver

SECRET = "s3cret-shared-with-the-portal"
REQUESTS = "/api/v1/second-opinion-requests"


@pytest.fixture
def webhook_port() -> int:
    return free_port()


@pytest.fixture
def announcing(settings: Settings, webhook_port: int) -> Settings:
    return settings.model_copy(
        update={
            "webhook_url": f"http://127.0.0.1:{webhook_port}/hooks/worklist",
            "webhook_secret": SECRET,
            "stable_after": 0.05,
        }
    )


@pytest.fixture
def portal(
    announcing: Settings, database_url: str, make_token: Callable[..., str]
) -> Iterator[tuple[TestClient, dict[str, str]]]:
    with TestClient(create_app(announcing, database_url)) as client:
        yield client, bearer(make_token(Role.INTEGRATION, name="portal"))


def _upload(client: TestClient, headers: dict[str, str], datasets: list[Dataset]) -> str:
    files = [("files", (f"IM{i}.dcm", part10(ds))) for i, ds in enumerate(datasets)]
    answer = client.post("/api/v1/uploads", files=files, headers=headers)
    assert answer.status_code == 200, answer.text
    return str(datasets[0].StudyInstanceUID)


def _settle(database_url: str, settings: Settings) -> None:
    """The worker's stability sweep, once the study has been quiet for `stable_after`."""
    deadline = datetime.now(UTC) + timedelta(seconds=10)
    while datetime.now(UTC) < deadline:
        with session_scope(database_url) as session:
            if mark_settled_studies_stable(session, settings):
                return
    raise AssertionError("the study never became stable")


def _deliver(database_url: str, settings: Settings) -> int:
    with session_scope(database_url) as session:
        return deliver_pending(session, settings)


def _request_body(uid: str, **fields: Any) -> dict[str, Any]:
    return {
        "study_instance_uid": uid,
        "requester": {
            "organisation": "Clinique du Lac",
            "contact_name": "Dr Anna Smith",
            "contact_email": "a.smith@clinique-du-lac.example",
        },
        "clinical_question": "progressive arm weakness, cervical myelopathy?",
        "service_level": "24h",
        "outside_report": "Mild degenerative changes. No cord compression.",
    } | fields


def _statuses_in_feed(
    client: TestClient, headers: dict[str, str], since: str
) -> tuple[list[str], str]:
    answer = client.get("/api/v1/changes", params={"since": since}, headers=headers).json()
    return [change["status"] for change in answer["second_opinion_requests"]], answer["cursor"]


def _pdf_text(client: TestClient, headers: dict[str, str], request_id: int) -> str:
    pdf = client.get(f"{REQUESTS}/{request_id}/report.pdf", headers=headers)
    assert pdf.headers["content-type"] == "application/pdf"
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)


def _finalize(client: TestClient, reader: dict[str, str], task_id: int, version: int) -> int:
    """Sign the final report, which needs the concordance with the outside report; the version
    the task has then."""
    signed = {"version": version, "findings": "Cord signal change at C5-C6.",
              "impression": "Cervical myelopathy at C5-C6."}  # fmt: skip
    refused = client.post(f"/api/v1/tasks/{task_id}/finalize", json=signed, headers=reader)
    assert refused.status_code == 422
    assert "concordance" in refused.json()["detail"]
    final = signed | {"concordance": "major discrepancy"}
    answer = client.post(f"/api/v1/tasks/{task_id}/finalize", json=final, headers=reader)
    assert answer.is_success, answer.text
    return int(answer.json()["version"])


def _check_routed(database_url: str, task_id: int, reader_id: int) -> None:
    with session_scope(database_url) as session:
        task = session.get_one(ReadingTask, task_id)
        assert task.subspecialty == "NEURO"
        assert task.due_at - task.created_at == timedelta(hours=24)
        assert task.assignee_id == reader_id
        assert any("second-opinion request" in reason for reason in task.route_reasons)


def test_a_request_on_an_uploaded_study_is_routed_read_and_returned_with_its_report(
    portal: tuple[TestClient, dict[str, str]],
    announcing: Settings,
    database_url: str,
    make_token: Callable[..., str],
) -> None:
    client, headers = portal
    with session_scope(database_url) as session:
        reader_id, reader = make_reader(session, make_token, pools=("NEURO",))
        make_reader(session, make_token, pools=("MSK",))
    uid = _upload(client, headers, list(study_datasets(CERVICAL_SPINE_MR))[:3])
    _settle(database_url, announcing)

    created = client.post(REQUESTS, json=_request_body(uid), headers=headers)

    assert created.status_code == 201, created.text
    request_id, task_id = created.json()["id"], created.json()["task_id"]
    assert created.json()["status"] == "received"
    _check_routed(database_url, task_id, reader_id)
    statuses, cursor = _statuses_in_feed(client, headers, "0")
    assert statuses == ["received"]
    shown = client.get(f"/api/v1/tasks/{task_id}", headers=reader).json()
    assert shown["second_opinion_request"]["id"] == request_id
    claimed = client.post("/api/v1/tasks/next", headers=reader).json()
    assert claimed["id"] == task_id
    assert client.get(f"{REQUESTS}/{request_id}", headers=headers).json()["status"] == "in review"
    assert _statuses_in_feed(client, headers, cursor)[0] == ["in review"]
    _finalize(client, reader, task_id, claimed["version"])

    answer = client.get(f"{REQUESTS}/{request_id}", headers=headers).json()
    assert answer["status"] == "final"
    report = answer["report"]
    assert report["findings"] == "Cord signal change at C5-C6."
    assert (report["reader_subspecialty"], report["concordance"]) == ("NEURO", "major discrepancy")
    assert report["reader_name"].startswith("Dr Reader")
    text = _pdf_text(client, headers, request_id)
    for printed in ("Cord signal change at C5-C6.", report["reader_name"], "major discrepancy"):
        assert printed in text


def test_an_addendum_after_the_final_joins_the_report_and_its_pdf(
    portal: tuple[TestClient, dict[str, str]],
    announcing: Settings,
    database_url: str,
    make_token: Callable[..., str],
) -> None:
    client, headers = portal
    with session_scope(database_url) as session:
        _, reader = make_reader(session, make_token, pools=("NEURO",))
    uid = _upload(client, headers, list(study_datasets(CERVICAL_SPINE_MR))[:3])
    _settle(database_url, announcing)
    request = client.post(REQUESTS, json=_request_body(uid), headers=headers).json()
    claimed = client.post("/api/v1/tasks/next", headers=reader).json()
    version = _finalize(client, reader, request["task_id"], claimed["version"])

    added = {"version": version, "impression": "Compared with the outside MR: new."}
    path = f"/api/v1/tasks/{request['task_id']}/addendum"
    assert client.post(path, json=added, headers=reader).is_success

    report = client.get(f"{REQUESTS}/{request['id']}", headers=headers).json()["report"]
    assert report["addenda"][0]["impression"] == "Compared with the outside MR: new."
    assert "Compared with the outside MR: new." in _pdf_text(client, headers, request["id"])


def test_each_status_change_is_a_signed_webhook_delivered_once_the_receiver_is_up(
    portal: tuple[TestClient, dict[str, str]],
    announcing: Settings,
    database_url: str,
    make_token: Callable[..., str],
    webhook_port: int,
) -> None:
    client, headers = portal
    with session_scope(database_url) as session:
        _, reader = make_reader(session, make_token, pools=("NEURO",))
    uid = _upload(client, headers, list(study_datasets(CERVICAL_SPINE_MR))[:3])
    _settle(database_url, announcing)
    request = client.post(REQUESTS, json=_request_body(uid), headers=headers).json()
    claimed = client.post("/api/v1/tasks/next", headers=reader).json()
    _finalize(client, reader, request["task_id"], claimed["version"])

    assert _deliver(database_url, announcing) == 0  # the receiver is down: kept, retried later
    with session_scope(database_url) as session:
        session.execute(update(OutboxMessage).values(next_attempt_at=datetime.now(UTC)))
    with WebhookReceiver(webhook_port, SECRET) as receiver:
        assert _deliver(database_url, announcing) == 3

    assert receiver.refused == 0
    assert [hook["status"] for hook in receiver.received] == ["received", "in review", "final"]
    assert {hook["request_id"] for hook in receiver.received} == {request["id"]}


def test_a_request_before_its_images_waits_and_meets_its_study_in_the_wanted_pool(
    portal: tuple[TestClient, dict[str, str]],
    announcing: Settings,
    database_url: str,
    make_token: Callable[..., str],
) -> None:
    client, headers = portal
    with session_scope(database_url) as session:
        make_reader(session, make_token, pools=("MSK",))
        body_reader, _ = make_reader(session, make_token, pools=("BODY",))
    datasets = list(study_datasets(KNEE_MR))[:3]
    asked = _request_body(
        str(datasets[0].StudyInstanceUID),
        service_level="48h",
        subspecialty="BODY",
        outside_report=None,
    )

    created = client.post(REQUESTS, json=asked, headers=headers)

    assert created.json()["status"] == "waiting for images"
    assert created.json()["due_at"] is None
    _upload(client, headers, datasets)
    _settle(database_url, announcing)
    answer = client.get(f"{REQUESTS}/{created.json()['id']}", headers=headers).json()
    assert answer["status"] == "received"
    with session_scope(database_url) as session:
        task = session.get_one(ReadingTask, answer["task_id"])
        assert (task.subspecialty, task.assignee_id) == ("BODY", body_reader)
        assert task.due_at - task.created_at == pytest.approx(
            timedelta(hours=48), abs=timedelta(seconds=5)
        )
    listed = client.get(REQUESTS, params={"status": "received"}, headers=headers).json()
    assert [item["id"] for item in listed["items"]] == [answer["id"]]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"service_level": "12h"}, "service_level"),
        ({"study_instance_uid": "not-a-uid"}, "study_instance_uid"),
        (
            {"requester": {"organisation": "x", "contact_name": "y", "contact_email": "nope"}},
            "contact_email",
        ),  # fmt: skip
        ({"clinical_question": "   "}, "clinical_question"),
        ({"subspecialty": "PEDS"}, "subspecialty"),
        ({"urgent": True}, "urgent"),
    ],
)
def test_a_bad_request_is_refused_naming_the_field(
    portal: tuple[TestClient, dict[str, str]], change: dict[str, Any], field: str
) -> None:
    client, headers = portal
    answer = client.post(REQUESTS, json=_request_body("1.2.3.4") | change, headers=headers)
    assert answer.status_code == 422, answer.text
    assert field in answer.text
    assert client.get(REQUESTS, headers=headers).json()["items"] == []


def test_a_radiologist_may_not_make_or_read_requests(
    portal: tuple[TestClient, dict[str, str]], database_url: str, make_token: Callable[..., str]
) -> None:
    client, _ = portal
    with session_scope(database_url) as session:
        _, reader = make_reader(session, make_token)
    assert client.post(REQUESTS, json=_request_body("1.2.3.4"), headers=reader).status_code == 403
    assert client.get(REQUESTS, headers=reader).status_code == 403


def test_a_second_request_for_a_study_with_one_open_is_refused(
    portal: tuple[TestClient, dict[str, str]],
) -> None:
    client, headers = portal
    first = client.post(REQUESTS, json=_request_body("1.2.3.4"), headers=headers)
    assert first.status_code == 201
    again = client.post(REQUESTS, json=_request_body("1.2.3.4"), headers=headers)
    assert again.status_code == 409
    assert str(first.json()["id"]) in again.json()["detail"]
