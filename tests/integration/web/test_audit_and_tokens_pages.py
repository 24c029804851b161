"""`/admin/audit` filtered and exported; `/admin/tokens` issues a token shown once and revokes."""

import re

from fastapi.testclient import TestClient

from app.vocabulary import Role
from tests.support.web import make_account, sign_in


def _admin(client: TestClient, database_url: str) -> str:
    make_account(database_url, "ms-admin", Role.ADMIN)
    return sign_in(client, "ms-admin")


def test_a_token_is_shown_once_works_and_stops_when_revoked(
    client: TestClient, database_url: str
) -> None:
    csrf = _admin(client, database_url)
    issued = client.post(
        "/admin/tokens", data={"csrf_token": csrf, "name": "ris-feed", "role": "integration"}
    )
    assert issued.status_code == 201, issued.text
    secret = re.search(r'id="issued">.*?<code>([^<]+)</code>', issued.text, re.S)
    assert secret is not None
    bearer = {"Authorization": f"Bearer {secret[1]}"}
    assert client.get("/api/v1/me", headers=bearer).json()["role"] == "integration"
    listed = client.get("/admin/tokens").text
    assert "ris-feed" in listed
    assert secret[1] not in listed
    token_id = re.search(r'action="/admin/tokens/(\d+)/revoke"', listed)
    assert token_id is not None
    revoked = client.post(f"/admin/tokens/{token_id[1]}/revoke", data={"csrf_token": csrf})
    assert "Token ris-feed revoked." in revoked.text
    assert client.get("/api/v1/me", headers=bearer).status_code == 401


def test_a_radiologist_token_without_its_radiologist_is_refused_by_name(
    client: TestClient, database_url: str
) -> None:
    csrf = _admin(client, database_url)
    answer = client.post(
        "/admin/tokens", data={"csrf_token": csrf, "name": "x", "role": "radiologist"}
    )
    assert answer.status_code == 422
    assert "radiologist" in answer.text


def test_the_audit_page_filters_and_links_the_export_with_the_same_filters(
    client: TestClient, database_url: str
) -> None:
    csrf = _admin(client, database_url)
    client.post("/admin/tokens", data={"csrf_token": csrf, "name": "pacs", "role": "integration"})
    page = client.get("/admin/audit?object_type=api_token&actor=&since=").text
    rows = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    assert rows.count("<tr>") == 1
    assert "token issued" in rows
    export = re.search(r'href="(/api/v1/audit/export[^"]*)"', page)
    assert export is not None
    assert export[1] == "/api/v1/audit/export?object_type=api_token"
    lines = client.get(export[1].replace("&amp;", "&")).text.strip().splitlines()
    assert len(lines) == 1
