"""Signing in and out, one-time links, CSRF, throttling; sessions behind the same access table."""

from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.audit.models import AuditEvent
from app.auth.web_sessions import FAILURES_ALLOWED
from app.vocabulary import Role
from tests.support.factories import make_radiologist
from tests.support.web import PASSWORD, csrf_of_session, form_token_of, make_account, sign_in


def _reader_account(session: Session, database_url: str, name: str = "dr-lee") -> int:
    radiologist = make_radiologist(session)
    session.commit()
    make_account(database_url, name, Role.RADIOLOGIST, radiologist.id)
    return radiologist.id


def test_a_page_sends_the_signed_out_to_sign_in_and_back(client: TestClient) -> None:
    answer = client.get("/?tab=pools", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/sign-in?next=/%3Ftab%3Dpools"
    assert 'name="next" value="/?tab=pools"' in client.get(answer.headers["location"]).text


def test_sign_in_sets_a_strict_cookie_and_sign_out_ends_the_session(
    client: TestClient, session: Session, database_url: str
) -> None:
    _reader_account(session, database_url)
    form = client.get("/sign-in")
    answer = client.post(
        "/sign-in",
        data={"name": "dr-lee", "password": PASSWORD, "csrf_token": form_token_of(form.text),
              "next": "/?tab=pools"},
        follow_redirects=False,
    )  # fmt: skip
    assert answer.status_code == 303
    assert answer.headers["location"] == "/?tab=pools"
    cookie = answer.headers["set-cookie"].lower()
    assert "httponly" in cookie
    assert "samesite=lax" in cookie
    assert client.get("/api/v1/me").json()["name"] == "dr-lee"
    csrf = csrf_of_session(client)
    assert (
        client.post("/sign-out", data={"csrf_token": csrf}, follow_redirects=False).status_code
        == 303
    )
    assert client.get("/api/v1/me").status_code == 401


def test_a_post_without_the_csrf_token_is_refused(
    client: TestClient, session: Session, database_url: str
) -> None:
    _reader_account(session, database_url)
    csrf = sign_in(client, "dr-lee")
    assert client.post("/sign-out", data={}).status_code == 403
    assert client.post("/sign-out", data={"csrf_token": "forged"}).status_code == 403
    assert client.post("/api/v1/tasks/next", json={}).status_code == 403
    assert client.post("/api/v1/tasks/next", headers={"X-CSRF-Token": csrf}).status_code == 204


def test_the_sign_in_form_itself_needs_its_token(client: TestClient) -> None:
    answer = client.post("/sign-in", data={"name": "x", "password": "y"})
    assert answer.status_code == 403


def test_a_radiologist_is_refused_an_admin_route(
    client: TestClient, session: Session, database_url: str
) -> None:
    _reader_account(session, database_url)
    sign_in(client, "dr-lee")
    assert client.get("/api/v1/users").status_code == 403


def test_wrong_passwords_are_audited_then_slowed_per_name(
    client: TestClient, session: Session, database_url: str
) -> None:
    _reader_account(session, database_url)
    token = form_token_of(client.get("/sign-in").text)
    for _ in range(FAILURES_ALLOWED):
        wrong = client.post("/sign-in", data={"name": "dr-lee", "password": "not it at all",
                                              "csrf_token": token})  # fmt: skip
        assert wrong.status_code == 401
        assert "wrong" in wrong.text
    right = client.post("/sign-in", data={"name": "dr-lee", "password": PASSWORD,
                                          "csrf_token": token})  # fmt: skip
    assert right.status_code == 401
    assert "too many failed sign-ins" in right.text
    failures = select(func.count()).where(
        AuditEvent.action == "UserAuthentication", AuditEvent.outcome == "MINOR_FAILURE"
    )
    assert session.scalar(failures) == FAILURES_ALLOWED + 1


def test_deactivating_a_person_ends_their_session(
    client: TestClient, session: Session, database_url: str, admin_headers: dict[str, str]
) -> None:
    _reader_account(session, database_url)
    sign_in(client, "dr-lee")
    [user] = client.get("/api/v1/users", headers=admin_headers).json()
    client.patch(f"/api/v1/users/{user['id']}", json={"active": False}, headers=admin_headers)
    client.headers.pop("Authorization", None)
    assert client.get("/api/v1/me").status_code == 401


def test_admin_creates_a_person_whose_link_sets_a_password_once(
    client: TestClient, admin_headers: dict[str, str], make_token: Callable[..., str]
) -> None:
    created = client.post(
        "/api/v1/users", json={"name": "ops lead", "role": "admin"}, headers=admin_headers
    )
    assert created.status_code == 201, created.text
    link = created.json()["set_password_link"]
    path = link[link.index("/set-password/") :]
    token = form_token_of(client.get(path).text)
    weak = client.post(path, data={"password": "password1234", "csrf_token": token})
    assert weak.status_code == 422
    assert "common passwords" in weak.text
    short = client.post(path, data={"password": "short", "csrf_token": token})
    assert "at least 12 characters" in short.text
    assert client.post(path, data={"password": PASSWORD, "csrf_token": token}).status_code == 200
    assert client.get(path).status_code == 404
    sign_in(client, "ops lead")
    assert client.get("/api/v1/me").json()["role"] == "admin"


def test_reset_ends_the_old_password(
    client: TestClient, session: Session, database_url: str, admin_headers: dict[str, str]
) -> None:
    user_id = make_account(database_url, "ops", Role.ADMIN)
    reset = client.post(f"/api/v1/users/{user_id}/reset", headers=admin_headers)
    assert "/set-password/" in reset.json()["set_password_link"]
    token = form_token_of(client.get("/sign-in").text)
    refused = client.post(
        "/sign-in", data={"name": "ops", "password": PASSWORD, "csrf_token": token}
    )
    assert refused.status_code == 401
