"""A query parameter a JSON API route does not take is refused by name, never ignored: a misspelt
filter would otherwise answer the unfiltered list."""

import re

from fastapi.testclient import TestClient

from app.api.query_parameters import UNKNOWN_PARAMETER


def test_a_misspelt_filter_is_refused_naming_it(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    misspelt = client.get("/api/v1/tasks", params={"prioirty": "STAT"}, headers=admin_headers)

    assert misspelt.status_code == 422
    assert misspelt.json()["detail"] == f"query.prioirty: {UNKNOWN_PARAMETER}"
    spelt = client.get("/api/v1/tasks", params={"priority": "STAT"}, headers=admin_headers)
    assert spelt.status_code == 200


def test_every_documented_parameter_is_taken(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    """What the API reference says a route takes is what the refusal lets through."""
    refused, checked = [], 0
    for path, item in client.get("/openapi.json").json()["paths"].items():
        for method, operation in item.items():
            names = [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"]
            streamed = "text/event-stream" in str(operation["responses"])  # it would not end
            if not path.startswith("/api/") or not names or streamed:
                continue
            url = re.sub(r"\{[^}]+\}", "1", path)
            answer = client.request(
                method, url, params=dict.fromkeys(names, "1"), headers=admin_headers
            )
            if answer.status_code == 422 and UNKNOWN_PARAMETER in answer.text:
                refused.append(f"{method.upper()} {path}")
            checked += 1
    assert refused == []
    assert checked >= 10


def test_fhir_searches_ignore_what_they_do_not_know_as_fhir_does(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    answer = client.get(
        "/fhir/Task", params={"identifier": "A1", "_count": "5"}, headers=admin_headers
    )

    assert answer.status_code == 200
