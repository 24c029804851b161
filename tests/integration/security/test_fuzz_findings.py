"""What the schema fuzzing found, kept as plain regression tests with the exact requests."""

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.support.factories import make_task


def test_a_shift_with_a_utc_offset_is_refused_so_assignment_cannot_crash(
    client: TestClient, admin_headers: dict[str, str], session: Session
) -> None:
    make_task(session, state="UNASSIGNED")
    session.commit()
    shift = {"start": "00:00:00Z", "end": "08:00:00"}
    created = client.post(
        "/api/v1/radiologists",
        json={"name": "Dr Offset", "subspecialties": ["NEURO"], "shift_windows": [shift]},
        headers=admin_headers,
    )
    assert created.status_code == 422
    rules = {"rules": [{"id": "0", "then": {"subspecialty": "NEURO"}}], "base_version": 1}
    assert client.put("/api/v1/rules", json=rules, headers=admin_headers).status_code == 201


def test_a_rule_time_window_with_a_utc_offset_is_refused(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    window = {"time_between": {"start": "18:00:00+02:00", "end": "07:00:00"}}
    rules = {
        "rules": [
            {"id": "nights", "when": window, "then": {"subspecialty": "GENERAL"}},
            {"id": "default", "then": {"subspecialty": "NEURO"}},
        ],
        "base_version": 1,
    }
    assert client.put("/api/v1/rules", json=rules, headers=admin_headers).status_code == 422
