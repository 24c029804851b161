"""Text Postgres cannot store (a NUL character, in a text column or inside JSON) is refused naming
its field, however deep in the body it sits, before any statement."""

from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.vocabulary import Role
from tests.support.web import make_account, sign_in

NUL = "\x00"
RULE = {"id": "brain", "when": {"modality": ["MR"]}, "then": {"subspecialty": "NEURO"}}


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        (
            "/api/v1/radiologists",
            {"name": f"Dr{NUL}Lee", "subspecialties": ["NEURO"]},
            "body.name",
        ),
        (
            "/api/v1/radiologists",
            {"name": "Dr Lee", "subspecialties": ["NEURO"], "institutions": [f"A{NUL}"]},
            "body.institutions",
        ),
        (
            "/api/v1/rules/dry-run",
            {"rules": [{**RULE, "name": f"brain{NUL}"}]},
            "body.rules.0.name",
        ),
    ],
)
def test_a_nul_character_is_refused_by_name(
    client: TestClient, admin_headers: dict[str, str], path: str, body: dict[str, Any], field: str
) -> None:
    response = client.post(path, json=body, headers=admin_headers)

    assert response.status_code == 422
    assert response.json()["detail"] == (
        f"{field}: Value error, a NUL character (\\u0000), which stored text cannot hold"
    )


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/api/v1/tasks?q=brain%00", "query.q"),
        ("/api/v1/second-opinion-requests?organisation=North%00", "query.organisation"),
        ("/fhir/DiagnosticReport?identifier=A%00", "query.identifier"),
        ("/api/v1/studies/1.2.3%00", "path.study_uid"),
    ],
)
def test_a_nul_character_in_the_query_or_the_path_is_refused_by_name(
    client: TestClient, admin_headers: dict[str, str], path: str, field: str
) -> None:
    response = client.get(path, headers=admin_headers)

    assert response.status_code == 422
    assert f"{field}: Value error, a NUL character" in response.text


def test_a_nul_character_in_a_page_form_is_refused_by_name_and_nothing_is_created(
    client: TestClient, database_url: str, admin_headers: dict[str, str]
) -> None:
    make_account(database_url, "nul-admin", Role.ADMIN)
    csrf = sign_in(client, "nul-admin")

    answer = client.post(
        "/admin/people", data={"csrf_token": csrf, "name": "Dr Bone", "institutions": f"N{NUL}"}
    )

    assert answer.status_code == 422
    assert "form.institutions: Value error, a NUL character" in answer.text
    assert client.get("/api/v1/radiologists", headers=admin_headers).json() == []
