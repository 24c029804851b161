from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from app.audit.models import AuditEvent
from app.auth.models import ApiToken
from app.auth.service import authenticate
from app.db.session import session_scope
from app.vocabulary import Role
from tests.integration.test_cli import _worklist


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_admin_issues_a_token_that_works_and_is_shown_once(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    body = {"name": "ris-engine", "role": "integration", "expires_in_days": 30}
    created = client.post("/api/v1/tokens", json=body, headers=admin_headers)
    assert created.status_code == 201
    token = created.json()["token"]
    assert client.get("/api/v1/me", headers=_bearer(token)).json()["name"] == "ris-engine"
    listed = client.get("/api/v1/tokens", headers=admin_headers).json()["tokens"]
    assert {t["name"] for t in listed} == {"test", "ris-engine"}
    assert all("token" not in t and "token_hash" not in t for t in listed)
    assert created.json()["expires_at"] is not None


def test_revoked_token_stops_working_and_the_change_is_audited(
    client: TestClient, admin_headers: dict[str, str], session: Session
) -> None:
    created = client.post(
        "/api/v1/tokens", json={"name": "old", "role": "admin"}, headers=admin_headers
    ).json()
    revoked = client.post(f"/api/v1/tokens/{created['id']}/revoke", headers=admin_headers)
    assert revoked.status_code == 200
    assert revoked.json()["revoked_at"] is not None
    assert client.get("/api/v1/me", headers=_bearer(created["token"])).status_code == 401
    about_it = select(AuditEvent.details["change"].astext).where(
        AuditEvent.object_id == str(created["id"])
    )
    assert sorted(session.scalars(about_it)) == ["token issued", "token revoked"]
    listed = client.get("/api/v1/tokens", headers=admin_headers).json()["tokens"]
    assert created["id"] not in {t["id"] for t in listed}


def test_revoking_an_unknown_token_is_404(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    response = client.post("/api/v1/tokens/999999/revoke", headers=admin_headers)
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


def test_radiologist_token_for_unknown_radiologist_is_422(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    body = {"name": "dr", "role": "radiologist", "radiologist_id": 424242}
    response = client.post("/api/v1/tokens", json=body, headers=admin_headers)
    assert response.status_code == 422
    assert "424242" in response.json()["detail"]


def test_token_list_pages_with_a_cursor(
    client: TestClient, admin_headers: dict[str, str], make_token: Callable[..., str]
) -> None:
    for number in range(4):
        make_token(Role.INTEGRATION, name=f"t{number}")
    first = client.get("/api/v1/tokens?limit=3", headers=admin_headers).json()
    rest = client.get(
        f"/api/v1/tokens?limit=3&cursor={first['next_cursor']}", headers=admin_headers
    ).json()
    assert len(first["tokens"]) + len(rest["tokens"]) == 5
    assert rest["next_cursor"] is None


def test_cli_token_with_expiry(database_url: str, tmp_path: Path, session: Session) -> None:
    result = _worklist(
        "token", "create", "--role", "admin", "--name", "temp", "--expires-in", "12h",
        database_url=database_url, home=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    row = session.scalars(select(ApiToken).where(ApiToken.name == "temp")).one()
    assert row.expires_at is not None


def test_cli_refuses_a_lifetime_it_cannot_read(database_url: str, tmp_path: Path) -> None:
    result = _worklist(
        "token", "create", "--role", "admin", "--name", "x", "--expires-in", "forever",
        database_url=database_url, home=tmp_path,
    )  # fmt: skip
    assert result.returncode == 2
    assert "forever" in result.stderr


def test_a_request_authenticating_while_another_notes_the_same_tokens_use_does_not_wait(
    database_url: str, make_token: Callable[..., str]
) -> None:
    secret = make_token(Role.ADMIN)
    with session_scope(database_url) as first, session_scope(database_url) as second:
        authenticate(first, secret)  # notes the use: holds the token's row until it commits
        second.execute(text("SET LOCAL lock_timeout = '1s'"))
        assert authenticate(second, secret).role is Role.ADMIN
