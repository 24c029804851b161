import json
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from app.audit.events import AuditAction, Outcome
from app.audit.service import record
from app.principal import Principal
from app.vocabulary import Role


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _seed(session: Session, count: int) -> None:
    peer = Principal.dicom_peer("MODALITY1", "10.0.0.5")
    for number in range(count):
        record(session, peer, AuditAction.INSTANCES_TRANSFERRED, object_type="study",
               object_id=f"1.2.3.{number}")  # fmt: skip
    session.commit()


def test_failed_login_is_audited_although_the_request_rolls_back(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    assert client.get("/api/v1/me", headers=_bearer("wl_guess")).status_code == 401
    events = client.get("/api/v1/audit?action=UserAuthentication", headers=admin_headers).json()[
        "events"
    ]
    assert len(events) == 1
    assert events[0]["outcome"] == "MINOR_FAILURE"
    assert events[0]["source_address"] == "testclient"
    assert events[0]["details"] == {"reason": "the token is not valid", "route": "/api/v1/me"}


def test_wrong_role_is_audited_as_a_security_alert(
    client: TestClient, admin_headers: dict[str, str], make_token: Callable[..., str]
) -> None:
    token = make_token(Role.INTEGRATION, name="ris")
    assert client.get("/api/v1/audit", headers=_bearer(token)).status_code == 403
    events = client.get(
        "/api/v1/audit?action=SecurityAlert&outcome=MINOR_FAILURE", headers=admin_headers
    ).json()["events"]
    assert [e["actor"] for e in events] == ["token:2:ris"]


def test_audit_filters_and_pages_newest_first(
    client: TestClient, admin_headers: dict[str, str], session: Session
) -> None:
    _seed(session, 5)
    query = "/api/v1/audit?action=DICOMInstancesTransferred&actor=ae:MODALITY1&limit=3"
    first = client.get(query, headers=admin_headers).json()
    older = client.get(f"{query}&cursor={first['next_cursor']}", headers=admin_headers).json()
    ids = [e["object_id"] for e in first["events"] + older["events"]]
    assert ids == [f"1.2.3.{n}" for n in (4, 3, 2, 1, 0)]
    assert older["next_cursor"] is None


def test_export_streams_json_lines_oldest_first_and_is_itself_audited(
    client: TestClient, admin_headers: dict[str, str], session: Session
) -> None:
    _seed(session, 3)
    response = client.get(
        "/api/v1/audit/export?object_type=study", headers=admin_headers
    )  # fmt: skip
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/jsonl")
    lines = [json.loads(line) for line in response.text.splitlines()]
    assert [line["object_id"] for line in lines] == ["1.2.3.0", "1.2.3.1", "1.2.3.2"]
    used = client.get("/api/v1/audit?action=AuditLogUsed", headers=admin_headers).json()
    assert used["events"][-1]["details"] == {"how": "export", "filter": {"object_type": "study"}}


@pytest.mark.parametrize(
    "statement", ["UPDATE audit_events SET actor = 'x'", "DELETE FROM audit_events"]
)
def test_audit_rows_cannot_be_changed_or_deleted(session: Session, statement: str) -> None:
    _seed(session, 1)
    with pytest.raises(DBAPIError, match="append-only"):
        session.execute(text(statement))
    session.rollback()


def test_record_names_the_outcome(session: Session) -> None:
    record(session, Principal.system("test"), AuditAction.APPLICATION_ACTIVITY,
           outcome=Outcome.SERIOUS_FAILURE)  # fmt: skip
    session.flush()
    outcome = session.execute(text("SELECT outcome FROM audit_events")).scalar_one()
    assert outcome == "SERIOUS_FAILURE"
