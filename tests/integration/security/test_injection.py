"""SQL and JSON injection strings in every text filter and stored text field are only data."""

from collections.abc import Callable

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from app.auth.models import ApiToken
from app.studies.models import Study
from app.vocabulary import Role
from tests.integration.security.conftest import operations
from tests.support.factories import make_task

PAYLOADS = [
    "' OR '1'='1",
    "'; DROP TABLE api_tokens; --",
    '" OR ""="',
    "%' OR 1=1 --",
    "1) OR (1=1",
    "x' UNION SELECT token_hash FROM api_tokens --",
    '{"$ne": null}',
    '"}, "role": "admin", "x": {"',
    "\\'; SELECT 1; --",
    "${jndi:ldap://127.0.0.1/a}",
    "<script>alert(1)</script>",
    "%",
    "_",
    "Robert'); DELETE FROM audit_events; --",
]
NO_MATCH = "zz-matches-nothing-zz"


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _listed(response: httpx.Response) -> int | None:
    """How many items a list answer holds: its JSON lines, or the first list in its JSON."""
    if response.headers["content-type"].startswith("application/jsonl"):
        return len(response.text.splitlines())
    body = response.json()
    if isinstance(body, list):
        return len(body)
    if isinstance(body, dict):
        return next((len(v) for v in body.values() if isinstance(v, list)), None)
    return None


def _text_filters(client: TestClient) -> list[tuple[str, str]]:
    """(path, parameter) for every free-text query parameter of every path-free GET."""
    found = []
    for operation in operations(client.get("/openapi.json").json()):
        if operation.method != "GET" or "{" in operation.path or operation.streams_events:
            continue
        for parameter in operation.spec.get("parameters", []):
            options = parameter["schema"].get("anyOf", [parameter["schema"]])
            if parameter["in"] == "query" and any(
                s.get("type") == "string" and "enum" not in s and "format" not in s for s in options
            ):
                found.append((operation.path, parameter["name"]))
    return found


def _table_census(session: Session) -> tuple[int, int, int]:
    tables = session.scalar(
        text("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()")
    )
    tokens = session.scalar(select(func.count()).select_from(ApiToken))
    audit = session.scalar(text("SELECT count(*) FROM audit_events"))
    return int(tables or 0), int(tokens or 0), int(audit or 0)


def test_text_filters_match_injection_strings_literally(
    client: TestClient, admin_headers: dict[str, str], session: Session
) -> None:
    make_task(session)
    make_task(session)
    session.commit()
    tables_before, tokens_before, _ = _table_census(session)
    filters = _text_filters(client)
    assert len(filters) >= 5
    wrong = []
    for path, name in filters:
        plain = client.get(path, params={name: NO_MATCH}, headers=admin_headers)
        for payload in PAYLOADS:
            response = client.get(path, params={name: payload}, headers=admin_headers)
            both_listed = response.status_code == plain.status_code == 200
            if response.status_code >= 500 or (both_listed and _listed(response) != _listed(plain)):
                wrong.append(f"GET {path}?{name}={payload!r}: {response.status_code}")
    assert wrong == []
    session.expire_all()
    tables_after, tokens_after, audit_after = _table_census(session)
    assert (tables_after, tokens_after) == (tables_before, tokens_before)
    assert audit_after > 0


@pytest.mark.parametrize("payload", PAYLOADS)
def test_stored_text_comes_back_verbatim(
    client: TestClient,
    admin_headers: dict[str, str],
    make_token: Callable[..., str],
    session: Session,
    payload: str,
) -> None:
    token = client.post(
        "/api/v1/tokens", json={"name": payload, "role": "integration"}, headers=admin_headers
    ).json()
    assert token["name"] == payload
    reader = client.post(
        "/api/v1/radiologists", json={"name": payload}, headers=admin_headers
    ).json()
    assert (
        client.get(f"/api/v1/radiologists/{reader['id']}", headers=admin_headers).json()["name"]
        == payload
    )
    task = make_task(session)
    uid = session.scalar(select(Study.study_instance_uid).where(Study.id == task.study_id))
    session.commit()
    patched = client.patch(
        f"/api/v1/studies/{uid}",
        json={"clinical_question": payload},
        headers=_bearer(make_token(Role.INTEGRATION)),
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["clinical_question"] == payload


@pytest.mark.parametrize("payload", PAYLOADS)
def test_rule_text_fields_are_stored_as_data_and_dry_runs_survive_them(
    client: TestClient, admin_headers: dict[str, str], session: Session, payload: str
) -> None:
    make_task(session)
    session.commit()
    rule = {
        "id": "injected",
        "name": payload,
        "when": {"any": [{"keywords": [payload]}, {"institution": [payload]}]},
        "then": {"subspecialty": "NEURO"},
    }
    default = {"id": "default", "then": {"subspecialty": "GENERAL"}}
    rules = {"rules": [rule, default]}
    dry_run = client.post("/api/v1/rules/dry-run", json=rules, headers=admin_headers)
    assert dry_run.status_code == 200, dry_run.text
    body = rules | {"comment": payload, "base_version": 1}
    saved = client.put("/api/v1/rules", json=body, headers=admin_headers)
    assert saved.status_code == 201, saved.text
    current = client.get("/api/v1/rules", headers=admin_headers).json()
    assert current["comment"] == payload
    stored = current["rules"][0]
    assert stored["name"] == payload
    assert stored["when"]["any"][0]["keywords"] == [payload.strip().lower()]
