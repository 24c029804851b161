"""Reading and saving the rule set over the API the way an admin's client does."""

import copy
from typing import Any

from fastapi.testclient import TestClient

BRAIN_TO_BODY = {
    "id": "brain-to-body",
    "when": {"region": ["BRAIN"]},
    "then": {"subspecialty": "BODY"},
}


def current_rules(client: TestClient, headers: dict[str, str]) -> dict[str, Any]:
    """The current version as GET answers it, its ETag under "etag"."""
    response = client.get("/api/v1/rules", headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body | {"etag": response.headers["ETag"]}


def with_first_rule(rules: list[dict[str, Any]], rule: dict[str, Any]) -> list[dict[str, Any]]:
    return [rule, *copy.deepcopy(rules)]


def save_first_rule(
    client: TestClient, headers: dict[str, str], rule: dict[str, Any], comment: str = ""
) -> dict[str, Any]:
    """Put `rule` first in the current rule set and save it in place of the current version."""
    current = current_rules(client, headers)
    body = {"rules": with_first_rule(current["rules"], rule), "comment": comment}
    saved = client.put("/api/v1/rules", json=body, headers=headers | {"If-Match": current["etag"]})
    assert saved.status_code == 201, saved.text
    answer: dict[str, Any] = saved.json()
    return answer
