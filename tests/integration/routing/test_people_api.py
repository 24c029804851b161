"""Admin API for radiologists and subspecialty pools."""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.audit.models import AuditEvent
from app.db.session import session_scope
from app.people.models import Subspecialty

NEW_READER = {
    "name": "Dr Ada Reader",
    "subspecialties": ["NEURO"],
    "institutions": [],
    "on_duty": True,
    "max_open_tasks": 20,
}


def test_create_radiologist_returns_201_with_the_record(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    response = client.post("/api/v1/radiologists", json=NEW_READER, headers=admin_headers)

    assert response.status_code == 201
    body = response.json()
    assert isinstance(body["id"], int)
    assert {key: body[key] for key in NEW_READER} == NEW_READER
    assert body["active"] is True


def test_only_name_is_required(client: TestClient, admin_headers: dict[str, str]) -> None:
    response = client.post("/api/v1/radiologists", json={"name": "Dr B"}, headers=admin_headers)

    assert response.status_code == 201
    assert response.json()["on_duty"] is False


def test_read_update_and_deactivate_a_radiologist(
    client: TestClient, admin_headers: dict[str, str], session: Session
) -> None:
    created = client.post("/api/v1/radiologists", json=NEW_READER, headers=admin_headers).json()
    url = f"/api/v1/radiologists/{created['id']}"

    patched = client.patch(
        url,
        json={"subspecialties": ["MSK", "BODY"], "institutions": ["General Hospital"]},
        headers=admin_headers,
    )
    client.patch(url, json={"active": False}, headers=admin_headers)
    read = client.get(url, headers=admin_headers).json()

    assert patched.status_code == 200
    assert read["subspecialties"] == ["BODY", "MSK"]
    assert read["institutions"] == ["General Hospital"]
    assert read["active"] is False
    assert read["name"] == NEW_READER["name"]
    audited = session.scalars(
        select(AuditEvent.details).where(AuditEvent.object_type == "radiologist")
    ).all()
    assert [details["event"] for details in audited] == [
        "radiologist created",
        "radiologist updated",
        "radiologist updated",
    ]


def test_unknown_subspecialty_is_422(client: TestClient, admin_headers: dict[str, str]) -> None:
    body = NEW_READER | {"subspecialties": ["PEDS"]}

    response = client.post("/api/v1/radiologists", json=body, headers=admin_headers)

    assert response.status_code == 422
    assert "PEDS" in response.json()["detail"]


def test_missing_radiologist_is_404(client: TestClient, admin_headers: dict[str, str]) -> None:
    assert client.get("/api/v1/radiologists/999", headers=admin_headers).status_code == 404


@pytest.fixture
def forget_added_pool(database_url: str) -> Iterator[None]:
    """Subspecialties survive between tests, so one added here is removed after."""
    yield
    with session_scope(database_url) as session:
        session.execute(delete(Subspecialty).where(Subspecialty.code == "PEDS_TEST"))


@pytest.mark.usefixtures("forget_added_pool")
def test_subspecialties_are_seeded_and_admins_add_more(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    added = client.post(
        "/api/v1/subspecialties",
        json={"code": "PEDS_TEST", "name": "Paediatrics"},
        headers=admin_headers,
    )
    listed = client.get("/api/v1/subspecialties", headers=admin_headers).json()
    again = client.post(
        "/api/v1/subspecialties", json={"code": "PEDS_TEST", "name": "x"}, headers=admin_headers
    )

    assert added.status_code == 201
    codes = {pool["code"] for pool in listed}
    assert {"NEURO", "MSK", "BODY", "CHEST", "BREAST", "GENERAL", "PEDS_TEST"} <= codes
    assert again.status_code == 409
