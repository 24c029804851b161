"""Text Postgres cannot store (a NUL character, in a text column or inside JSON) is refused naming
its field, however deep in the body it sits, before any statement."""

from typing import Any

import pytest
from fastapi.testclient import TestClient

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
