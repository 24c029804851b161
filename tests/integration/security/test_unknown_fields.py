"""Every request body of the live OpenAPI schema refuses a field it does not know.

A misspelt field (`impresion`, `priorty`) once vanished and the request succeeded with less than
was sent. Each write route gets its own documented example with one field added, and must answer
422 naming that field and nothing else. Routes arriving later are covered without touching this.
"""

import httpx

from app.api.access import allowed_roles
from app.vocabulary import Role
from tests.integration.security.conftest import Operation, operations
from tests.integration.security.test_authorization_matrix import _fill_path

UNKNOWN = "unexpected_field"


def _body_of(operation: Operation) -> object:
    media = operation.spec["requestBody"]["content"]["application/json"]
    return media.get("example", {})


def _send(client: httpx.Client, operation: Operation, token: str) -> httpx.Response:
    example = _body_of(operation)
    body = example | {UNKNOWN: "x"} if isinstance(example, dict) else {UNKNOWN: "x"}
    headers = {"Authorization": f"Bearer {token}"}
    return client.request(operation.method, _fill_path(operation), json=body, headers=headers)


def test_every_request_body_refuses_an_unknown_field_naming_it(
    live_api: str, role_tokens: dict[Role, str]
) -> None:
    wrong: list[str] = []
    with httpx.Client(base_url=live_api, timeout=30) as client:
        with_bodies = [
            operation
            for operation in operations(client.get("/openapi.json").json())
            if "requestBody" in operation.spec
        ]
        for operation in with_bodies:
            role = min(allowed_roles(operation.method, operation.path))
            response = _send(client, operation, role_tokens[role])
            problem = response.json()
            named = [".".join(map(str, error["loc"])) for error in problem.get("errors", [])]
            if response.status_code != 422 or named != [f"body.{UNKNOWN}"]:
                wrong.append(f"{operation.method} {operation.path}: {response.status_code} {named}")
            elif UNKNOWN not in problem["detail"]:
                wrong.append(f"{operation.method} {operation.path}: {problem['detail']}")
    assert wrong == [], "\n".join(wrong)
    assert len(with_bodies) >= 15


def test_a_misspelt_impression_is_refused_not_dropped(
    live_api: str, role_tokens: dict[Role, str]
) -> None:
    headers = {"Authorization": f"Bearer {role_tokens[Role.RADIOLOGIST]}"}
    body = {"version": 4, "impresion": "no acute findings"}
    response = httpx.post(f"{live_api}/api/v1/tasks/1/finalize", json=body, headers=headers)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"].startswith("body.impresion: not a field of this request")
