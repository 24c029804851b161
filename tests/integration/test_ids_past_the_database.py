"""An id or a version larger than the Postgres column holding it is refused naming its field, in
the path, the query or the body, before any statement: the database would refuse it unnamed."""

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.row_ids import BIGINT_MAX, INTEGER_MAX
from app.vocabulary import Role
from tests.support.factories import make_radiologist

PAST_ID = BIGINT_MAX + 1
PAST_VERSION = INTEGER_MAX + 1


@pytest.mark.parametrize(
    ("role", "method", "path", "body", "field"),
    [
        (Role.ADMIN, "GET", f"/api/v1/tasks/{PAST_ID}", None, "path.task_id"),
        (Role.ADMIN, "GET", f"/api/v1/tasks/{PAST_ID}/eligibility", None, "path.task_id"),
        (Role.ADMIN, "GET", f"/api/v1/radiologists/{PAST_ID}", None, "path.radiologist_id"),
        (Role.ADMIN, "GET", f"/api/v1/deliveries?task_id={PAST_ID}", None, "query.task_id"),
        (
            Role.RADIOLOGIST,
            "POST",
            "/api/v1/tasks/1/claim",
            {"version": PAST_VERSION},
            "body.version",
        ),
        (
            Role.RADIOLOGIST,
            "POST",
            "/api/v1/tasks/1/heartbeat",
            {"version": PAST_VERSION},
            "body.version",
        ),
        (
            Role.ADMIN,
            "POST",
            "/api/v1/tasks/1/assign",
            {"version": 1, "radiologist_id": PAST_ID},
            "body.radiologist_id",
        ),
        (
            Role.ADMIN,
            "POST",
            "/api/v1/studies/1.2.3/second-opinions",
            {"subspecialty": "NEURO", "radiologist_id": PAST_ID},
            "body.radiologist_id",
        ),
    ],
)
def test_a_number_past_its_column_is_refused_by_name(
    client: TestClient,
    session: Session,
    make_token: Callable[..., str],
    role: Role,
    method: str,
    path: str,
    body: dict[str, Any] | None,
    field: str,
) -> None:
    reader = make_radiologist(session, ("NEURO",)) if role is Role.RADIOLOGIST else None
    session.commit()
    token = make_token(role, radiologist_id=reader.id if reader else None)
    headers = {"Authorization": f"Bearer {token}"}

    response = client.request(method, path, json=body, headers=headers)

    assert response.status_code == 422
    assert response.json()["detail"].startswith(f"{field}: Input should be less than or equal")


def test_the_largest_id_a_column_holds_is_looked_up(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    response = client.get(f"/api/v1/tasks/{BIGINT_MAX}", headers=admin_headers)

    assert response.status_code == 404


def test_a_rule_set_version_past_its_column_is_refused_by_name(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    rules = client.get("/api/v1/rules", headers=admin_headers).json()

    response = client.put(
        "/api/v1/rules", json={**rules, "base_version": PAST_VERSION}, headers=admin_headers
    )

    assert response.status_code == 422
    assert response.json()["detail"].startswith("body.base_version: Input should be less than")


def test_numbers_past_their_columns_in_a_radiologist_and_a_rule_are_refused_by_name(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    reader = {"name": "Dr Lee", "subspecialties": ["NEURO"], "max_open_tasks": PAST_VERSION}
    rules = client.get("/api/v1/rules", headers=admin_headers).json()["rules"]
    rules[0]["then"]["radiologist_id"] = PAST_ID

    refused = [
        client.post("/api/v1/radiologists", json=reader, headers=admin_headers),
        client.post("/api/v1/rules/dry-run", json={"rules": rules}, headers=admin_headers),
    ]

    assert [answer.status_code for answer in refused] == [422, 422]
    assert refused[0].json()["detail"].startswith("body.max_open_tasks: Input should be less")
    assert refused[1].json()["detail"].startswith("body.rules.0.then.radiologist_id")
