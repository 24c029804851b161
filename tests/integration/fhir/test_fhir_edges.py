"""FHIR R4 at the edge, through an independent client (fhirpy) against a live server."""

import base64
import json
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from fhir.resources.R4B.capabilitystatement import CapabilityStatement
from fhirpy import SyncFHIRClient
from sqlalchemy import select

from app.api.main import create_app
from app.db.session import session_scope
from app.orders.models import Order
from app.principal import Principal
from app.settings import Settings
from app.tasks.reports import ReportText
from app.vocabulary import Role, TaskState
from app.workflow import reports
from tests.support.factories import make_radiologist, make_study, make_task
from tests.support.live_api import serving

ACSN = {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0203", "code": "ACSN"}]}


@pytest.fixture
def base_url(settings: Settings, database_url: str) -> Iterator[str]:
    with serving(create_app(settings, database_url)) as url:
        yield f"{url}/fhir"


@pytest.fixture
def headers(make_token: Callable[..., str]) -> dict[str, str]:
    """An integration's token and FHIR's content type, for requests made without a client."""
    return {
        "Authorization": f"Bearer {make_token(Role.INTEGRATION)}",
        "Content-Type": "application/fhir+json",
    }


@pytest.fixture
def fhir(base_url: str, make_token: Callable[..., str]) -> SyncFHIRClient:
    return SyncFHIRClient(
        base_url,
        authorization=f"Bearer {make_token(Role.INTEGRATION)}",
        extra_headers={"Content-Type": "application/fhir+json"},
    )


def _service_request(**changes: Any) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "status": "active",
        "intent": "order",
        "priority": "stat",
        "identifier": [
            {"type": ACSN, "value": "ACC-F1"},
            {"system": "urn:dicom:uid", "value": "urn:oid:1.2.826.0.1.3680043.10.9999.7"},
        ],
        "code": {"text": "CT HEAD WO CONTRAST"},
        "subject": {"identifier": {"value": "PAT-F1"}, "display": "Doe^Jane"},
        "requester": {"display": "Cameron^Allison"},
        "reasonCode": [
            {
                "coding": [{"system": "http://hl7.org/fhir/sid/icd-10", "code": "R51"}],
                "text": "sudden severe headache",
            }
        ],
        "encounter": {"reference": "#visit"},
        "contained": [
            {
                "resourceType": "Encounter",
                "id": "visit",
                "status": "in-progress",
                "class": {"code": "EMER"},
                "location": [{"location": {"display": "ED bay 4"}}],
            }
        ],
        "occurrenceDateTime": "2026-12-06T10:00:00+01:00",
    }
    return resource | changes


def _order(database_url: str) -> Order:
    with session_scope(database_url) as session:
        return session.scalars(select(Order).where(Order.accession_number == "ACC-F1")).one()


def test_service_request_created_updated_and_revoked(
    fhir: SyncFHIRClient, database_url: str
) -> None:
    request = fhir.resource("ServiceRequest", **_service_request())
    request.save()
    assert request.id is not None
    order = _order(database_url)
    assert str(order.id) == request.id
    assert (order.priority, order.patient_class, order.patient_location) == (
        "STAT",
        "E",
        "ED bay 4",
    )
    assert order.reason_codes == ["icd-10:R51"]
    assert order.study_instance_uid == "1.2.826.0.1.3680043.10.9999.7"
    request["priority"] = "routine"
    request.save()
    assert _order(database_url).priority == "ROUTINE"
    request["status"] = "revoked"
    request.save()
    assert _order(database_url).status == "CANCELLED"


def test_invalid_service_requests_get_an_operation_outcome(
    base_url: str, headers: dict[str, str]
) -> None:
    without_subject = {**_service_request(), "resourceType": "ServiceRequest"}
    del without_subject["subject"]
    without_accession = {**_service_request(identifier=[]), "resourceType": "ServiceRequest"}
    with_nul = {**_service_request(code={"text": "CT\u0000HEAD"}), "resourceType": "ServiceRequest"}
    two_accessions = {
        **_service_request(
            identifier=[{"type": ACSN, "value": "A1"}, {"type": ACSN, "value": "A2"}]
        ),
        "resourceType": "ServiceRequest",
    }
    before_the_year_1 = {
        **_service_request(occurrenceDateTime="0001-01-01T00:00:00+14:00"),
        "resourceType": "ServiceRequest",
    }
    long_accession = {
        **_service_request(identifier=[{"type": ACSN, "value": "A" * 65}]),
        "resourceType": "ServiceRequest",
    }
    draft = {**_service_request(status="draft"), "resourceType": "ServiceRequest"}
    proposal = {**_service_request(intent="proposal"), "resourceType": "ServiceRequest"}
    reasons = [{"text": "headache"}, {"text": "r/o\u001bbleed"}]
    with_escape = {**_service_request(reasonCode=reasons), "resourceType": "ServiceRequest"}
    cases = [
        (b"{not json", 400, None),
        (json.dumps(without_subject).encode(), 400, "subject"),
        (json.dumps(without_accession).encode(), 422, "ServiceRequest.identifier"),
        (json.dumps(long_accession).encode(), 422, "ServiceRequest.identifier"),
        (json.dumps(before_the_year_1).encode(), 422, "ServiceRequest.occurrenceDateTime"),
        (json.dumps(two_accessions).encode(), 422, "ServiceRequest.identifier"),
        # Not yet an order, or not an order at all: stored, either would route a study.
        (json.dumps(draft).encode(), 422, "ServiceRequest.status"),
        (json.dumps(proposal).encode(), 422, "ServiceRequest.intent"),
        # FHIR strings hold no control character (and Postgres no NUL): refused saying where.
        (json.dumps(with_nul).encode(), 400, "ServiceRequest.code.text"),
        (json.dumps(with_escape).encode(), 400, "ServiceRequest.reasonCode[1].text"),
    ]
    for body, status, where in cases:
        answer = httpx.post(f"{base_url}/ServiceRequest", content=body, headers=headers)
        assert answer.status_code == status, answer.text
        assert answer.headers["content-type"].startswith("application/fhir+json")
        outcome = answer.json()
        assert outcome["resourceType"] == "OperationOutcome"
        if where:
            assert outcome["issue"][0]["expression"] == [where]


@pytest.mark.parametrize(
    ("occurrence", "scheduled"),
    [
        ("2026-12", datetime(2026, 12, 1, tzinfo=UTC)),
        ("2027", datetime(2027, 1, 1, tzinfo=UTC)),
        ("2026-12-24", datetime(2026, 12, 24, tzinfo=UTC)),
    ],
)
def test_a_partial_occurrence_is_scheduled_at_its_start(
    fhir: SyncFHIRClient, database_url: str, occurrence: str, scheduled: datetime
) -> None:
    fhir.resource("ServiceRequest", **_service_request(occurrenceDateTime=occurrence)).save()

    assert _order(database_url).scheduled_at == scheduled


def test_an_update_changes_only_the_order_its_url_names(
    base_url: str, headers: dict[str, str], database_url: str
) -> None:
    first = {**_service_request(), "resourceType": "ServiceRequest"}
    created = httpx.post(f"{base_url}/ServiceRequest", json=first, headers=headers).json()
    other = _service_request(identifier=[{"type": ACSN, "value": "ACC-F9"}])
    second = {**other, "resourceType": "ServiceRequest"}
    second_id = httpx.post(f"{base_url}/ServiceRequest", json=second, headers=headers).json()["id"]
    routine = {**first, "priority": "routine"}
    cases = [
        # Another order's accession at this order's URL: it would have changed the other order.
        (second_id, {**routine, "id": second_id}, 422, "ServiceRequest.identifier"),
        ("987654", {**routine, "id": "987654"}, 404, None),
        ("abc", {**routine, "id": "abc"}, 404, None),
        (created["id"], routine, 400, "ServiceRequest.id"),  # FHIR: no id in the body is a 400
        (created["id"], {**routine, "id": second_id}, 400, "ServiceRequest.id"),
    ]
    for path_id, body, status, where in cases:
        url = f"{base_url}/ServiceRequest/{path_id}"
        answer = httpx.put(url, json=body, headers=headers)
        assert answer.status_code == status, answer.text
        assert answer.json()["resourceType"] == "OperationOutcome"
        if where:
            assert answer.json()["issue"][0]["expression"] == [where]
    assert _order(database_url).priority == "STAT"  # none of them changed it

    changed = httpx.put(
        f"{base_url}/ServiceRequest/{created['id']}",
        json={**routine, "id": created["id"]},
        headers=headers,
    )
    assert (changed.status_code, changed.json()["id"]) == (200, created["id"])
    assert _order(database_url).priority == "ROUTINE"


def test_fhir_needs_a_token_and_says_so_as_fhir_does(base_url: str) -> None:
    answer = httpx.get(f"{base_url}/Task", params={"identifier": "X"})

    assert answer.status_code == 401
    assert answer.headers["content-type"].startswith("application/fhir+json")
    assert answer.headers["www-authenticate"] == "Bearer"
    assert answer.json()["resourceType"] == "OperationOutcome"
    assert answer.json()["issue"][0]["code"] == "login"


def test_diagnostic_report_and_task_read_back(
    fhir: SyncFHIRClient, database_url: str, settings: Settings
) -> None:
    with session_scope(database_url) as session:
        reader = make_radiologist(session, name="Reader^Rita")
        study = make_study(session, accession_number="ACC-F2", patient_name="Doe^Jane")
        task = make_task(session, study, state=TaskState.IN_PROGRESS.value, assignee_id=reader.id)
        principal = Principal("rita", Role.RADIOLOGIST, radiologist_id=reader.id)
        text = ReportText(findings="no bleed", impression="normal head CT")
        reports.finalize(session, principal, settings, task.id, None, text)
        task_id, uid, patient_id = task.id, study.study_instance_uid, study.patient_id

    (report,) = fhir.resources("DiagnosticReport").search(identifier="ACC-F2").fetch()
    assert report["status"] == "final"
    assert report["conclusion"] == "normal head CT"
    assert report["performer"][0]["display"] == "Reader, Rita"
    assert report["subject"] == {"identifier": {"value": patient_id}, "display": "Doe, Jane"}
    assert report["imagingStudy"][0]["identifier"]["value"] == f"urn:oid:{uid}"
    same = fhir.reference("DiagnosticReport", str(task_id)).to_resource()
    assert same["id"] == report["id"]
    (form,) = report["presentedForm"]  # the findings too, which `conclusion` leaves out
    assert form["contentType"] == "text/plain; charset=utf-8"
    whole = base64.b64decode(form["data"]).decode()
    assert whole == "FINDINGS:\nno bleed\n\nIMPRESSION:\nnormal head CT"

    (reading,) = fhir.resources("Task").search(identifier="ACC-F2").fetch()
    assert reading["status"] == "completed"
    assert reading["businessStatus"]["text"] == "FINAL"
    assert reading["for"]["display"] == "Doe, Jane"
    assert reading["owner"]["display"] == "Reader, Rita"


def test_a_study_without_patient_details_is_read_back_without_a_subject(
    fhir: SyncFHIRClient, database_url: str
) -> None:
    with session_scope(database_url) as session:
        study = make_study(session, accession_number="ACC-F3", patient_id=None, patient_name=None)
        make_task(session, study)

    (reading,) = fhir.resources("Task").search(identifier="ACC-F3").fetch()
    assert "for" not in reading
    assert reading["status"] == "ready"


def test_the_capability_statement_says_what_each_resource_answers(
    base_url: str, make_token: Callable[..., str]
) -> None:
    answer = httpx.get(f"{base_url}/metadata")  # FHIR clients ask before they have a token

    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/fhir+json")
    statement = CapabilityStatement.model_validate_json(answer.content)
    assert (statement.fhirVersion, statement.kind) == ("4.0.1", "instance")
    (rest,) = statement.rest or []
    offered = {
        resource.type: {interaction.code for interaction in resource.interaction or []}
        for resource in rest.resource or []
    }
    assert offered == {
        "ServiceRequest": {"create", "update", "read", "search-type"},
        "DiagnosticReport": {"read", "search-type"},
        "Task": {"read", "search-type"},
    }
    # Every interaction offered is answered, none with 404 for want of a route or 405.
    token = {"Authorization": f"Bearer {make_token(Role.ADMIN)}"}
    for resource_type, interactions in offered.items():
        if "read" in interactions:
            answer = httpx.get(f"{base_url}/{resource_type}/1", headers=token)
            assert answer.json()["issue"][0]["code"] == "not-found", resource_type
        if "search-type" in interactions:
            answer = httpx.get(f"{base_url}/{resource_type}?identifier=none", headers=token)
            assert answer.json()["resourceType"] == "Bundle", resource_type
            unnamed = httpx.get(f"{base_url}/{resource_type}", headers=token)
            assert unnamed.status_code == 400, resource_type  # a search names what it seeks


def test_an_order_reads_back_as_it_was_sent_and_reports_point_to_it(
    fhir: SyncFHIRClient, base_url: str, database_url: str, settings: Settings
) -> None:
    sent = fhir.resource("ServiceRequest", **_service_request())
    sent.save()

    read = fhir.reference("ServiceRequest", sent.id).to_resource()
    assert (read["status"], read["priority"]) == ("active", "stat")
    assert read["code"] == {"text": "CT HEAD WO CONTRAST"}
    assert read["subject"] == {"identifier": {"value": "PAT-F1"}, "display": "Doe^Jane"}
    assert read["reasonCode"][0]["text"] == "sudden severe headache"
    assert read["contained"][0]["class"]["code"] == "EMER"
    assert read["occurrenceDateTime"].startswith("2026-12-06T09:00:00")
    (found,) = fhir.resources("ServiceRequest").search(identifier="ACC-F1").fetch()
    assert found["id"] == sent.id
    assert fhir.resources("ServiceRequest").search(identifier="ACC-F1", _id="999").fetch() == []

    with session_scope(database_url) as session:
        study = make_study(
            session, accession_number="ACC-F1", study_instance_uid="1.2.826.0.1.3680043.10.9999.7"
        )
        order = session.scalars(select(Order).where(Order.accession_number == "ACC-F1")).one()
        order.study_id = study.id
        make_task(session, study)
    bundle = httpx.get(
        f"{base_url}/Task",
        params={"identifier": "ACC-F1"},
        headers={"Authorization": fhir.authorization or ""},
    ).json()
    (entry,) = bundle["entry"]
    task_id = entry["resource"]["id"]
    assert entry["fullUrl"] == f"{base_url}/Task/{task_id}"
    assert entry["search"] == {"mode": "match"}
    assert bundle["link"][0]["relation"] == "self"
    task = fhir.reference("Task", task_id).to_resource()
    assert task["status"] == "ready"
    (based_on,) = task["basedOn"]
    assert fhir.reference(reference=based_on["reference"]).to_resource()["id"] == sent.id

    sent["status"] = "revoked"
    sent.save()
    assert fhir.reference("ServiceRequest", sent.id).to_resource()["status"] == "revoked"


def test_a_read_changed_and_sent_back_changes_only_what_was_changed(
    base_url: str, headers: dict[str, str], database_url: str
) -> None:
    sent = {**_service_request(), "resourceType": "ServiceRequest"}
    created = httpx.post(f"{base_url}/ServiceRequest", json=sent, headers=headers)
    assert created.status_code == 201
    url = f"{base_url}/ServiceRequest/{created.json()['id']}"
    read = httpx.get(url, headers=headers).json()
    assert created.json() == read  # the answer is the order as kept

    changed = httpx.put(url, json={**read, "priority": "routine"}, headers=headers).json()
    assert {**changed, "meta": None} == {**read, "priority": "routine", "meta": None}
    # A resource states the whole order: what it leaves out is no longer so.
    without_requester = {key: value for key, value in read.items() if key != "requester"}
    assert "requester" not in httpx.put(url, json=without_requester, headers=headers).json()
    assert _order(database_url).ordering_physician is None

    again = httpx.post(f"{base_url}/ServiceRequest", json=sent, headers=headers)
    assert (again.status_code, again.json()["id"]) == (200, read["id"])  # sent again: no new order
    assert again.json()["requester"] == {"display": "Cameron^Allison"}


def test_another_resource_where_a_service_request_belongs_is_named(
    base_url: str, headers: dict[str, str]
) -> None:
    patient = {"resourceType": "Patient", "id": "p1"}
    answer = httpx.post(f"{base_url}/ServiceRequest", json=patient, headers=headers)

    assert answer.status_code == 400
    (issue,) = answer.json()["issue"]
    assert issue["expression"] == ["resourceType"]
    assert issue["diagnostics"] == "a ServiceRequest belongs here, not 'Patient'"


def test_an_amended_report_reads_with_its_addendum(
    fhir: SyncFHIRClient, database_url: str, settings: Settings
) -> None:
    with session_scope(database_url) as session:
        reader = make_radiologist(session, name="Reader^Rita")
        study = make_study(session, accession_number="ACC-F4")
        task = make_task(session, study, state=TaskState.IN_PROGRESS.value, assignee_id=reader.id)
        principal = Principal("rita", Role.RADIOLOGIST, radiologist_id=reader.id)
        first = ReportText(findings="no bleed", impression="normal head CT")
        reports.finalize(session, principal, settings, task.id, None, first)
        later = ReportText(findings="", impression="small left frontal contusion on review")
        reports.addendum(session, principal, settings, task.id, None, later)

    (report,) = fhir.resources("DiagnosticReport").search(identifier="ACC-F4").fetch()
    assert report["status"] == "amended"
    assert report["conclusion"] == "normal head CT\n\nsmall left frontal contusion on review"
    whole = base64.b64decode(report["presentedForm"][0]["data"]).decode()
    first_part, addendum = whole.split("\n\nADDENDUM ")
    assert first_part == "FINDINGS:\nno bleed\n\nIMPRESSION:\nnormal head CT"
    assert addendum.endswith(" UTC\n\nIMPRESSION:\nsmall left frontal contusion on review")


@pytest.mark.parametrize(
    ("accept", "fmt", "status"),
    [
        ("application/fhir+xml", None, 406),
        (None, "xml", 406),
        ("application/fhir+json; fhirVersion=4.0", None, 200),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", None, 200),
        ("application/fhir+xml", "json", 200),  # _format outranks Accept, as FHIR says
    ],
)
def test_a_client_that_reads_only_another_format_is_told_so(
    base_url: str, accept: str | None, fmt: str | None, status: int
) -> None:
    headers = {"Accept": accept} if accept else {}
    params = {"_format": fmt} if fmt else {}
    answer = httpx.get(f"{base_url}/metadata", headers=headers, params=params)

    assert answer.status_code == status
    assert answer.headers["content-type"].startswith("application/fhir+json")
    if status == 406:
        assert answer.json()["issue"][0]["code"] == "not-supported"


def test_one_order_sent_by_several_clients_at_once_is_created_once(
    base_url: str, headers: dict[str, str], database_url: str
) -> None:
    body = json.dumps({"resourceType": "ServiceRequest", **_service_request()})

    def post(_: int) -> int:
        with httpx.Client(timeout=30) as client:
            return client.post(
                f"{base_url}/ServiceRequest", content=body, headers=headers
            ).status_code

    with ThreadPoolExecutor(max_workers=6) as clients:
        statuses = sorted(clients.map(post, range(6)))
    assert statuses == [200, 200, 200, 200, 200, 201]
    assert _order(database_url).priority == "STAT"
