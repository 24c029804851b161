"""Signing people in for page tests: accounts with a known password, and a signed-in client."""

import re

from fastapi.testclient import TestClient

from app.auth import accounts
from app.auth.service import COMMAND_LINE
from app.db.session import session_scope
from app.vocabulary import Role

PASSWORD = "a long enough pass phrase"


def make_account(
    database_url: str, name: str, role: Role = Role.RADIOLOGIST, radiologist_id: int | None = None
) -> int:
    """An account whose password is already set to PASSWORD; its id."""
    with session_scope(database_url) as session:
        issued = accounts.create_user(
            session, COMMAND_LINE, name=name, role=role, radiologist_id=radiologist_id
        )
        accounts.set_password(session, issued.path.rsplit("/", 1)[1], PASSWORD)
        return issued.user.id


def form_token_of(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match is not None, "the page has no CSRF token"
    return match[1]


def sign_in(client: TestClient, name: str, password: str = PASSWORD) -> str:
    """Sign in through the form; the CSRF token the session's pages carry."""
    form = client.get("/sign-in")
    answer = client.post(
        "/sign-in",
        data={"name": name, "password": password, "csrf_token": form_token_of(form.text)},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    return csrf_of_session(client)


def csrf_of_session(client: TestClient) -> str:
    """What every signed-in page's forms carry: read from the page itself."""
    match = re.search(r'<meta name="csrf-token" content="([^"]+)"', client.get("/").text)
    assert match is not None, "the worklist page has no CSRF token"
    return match[1]
