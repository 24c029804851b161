"""Every route of the live OpenAPI schema, called by every role and by no one.

The expected answer comes from app/api/access.py alone: 401 without a token, 403 for a role the
table leaves out, anything else (2xx, 404 for the made-up ids, 422 for the missing body) when the
table lets the role in. Routes arriving later are covered without touching this file.
"""

from typing import Any

import httpx
import pytest

from app.api.access import PUBLIC_ROUTES, allowed_roles
from app.vocabulary import Role
from tests.integration.security.conftest import EVENT_STREAM, Operation, operations

UNKNOWN_ID = 987654
UNKNOWN_UID = "1.2.826.0.1.3680043.10.987654"


def plausible(schema: dict[str, Any]) -> str:
    """A value of the parameter's type that names nothing in an empty database."""
    options = schema.get("anyOf", [schema])
    typed = next((s for s in options if s.get("type") not in (None, "null")), schema)
    if "enum" in typed:
        return str(typed["enum"][0])
    if typed.get("type") == "integer":
        return str(min(UNKNOWN_ID, typed.get("maximum", UNKNOWN_ID)))
    if typed.get("type") == "boolean":
        return "false"
    return UNKNOWN_UID


def _request(client: httpx.Client, operation: Operation, token: str | None) -> httpx.Response:
    query = {
        parameter["name"]: plausible(parameter.get("schema", {}))
        for parameter in operation.spec.get("parameters", [])
        if parameter["in"] == "query" and parameter.get("required")
    }
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    # Headers only: an event stream would never end, and the status is all we check.
    with client.stream(
        operation.method, _fill_path(operation), params=query, headers=headers
    ) as response:
        if not response.headers.get("content-type", "").startswith(EVENT_STREAM):
            response.read()
        return response


def _refused_by_role(response: httpx.Response, role: Role) -> bool:
    if response.status_code != 403:
        return False
    body = response.json()
    if body.get("resourceType") == "OperationOutcome":  # the FHIR endpoints' form of a problem
        said = body["issue"][0].get("diagnostics", "")
    else:
        said = body.get("detail", "")
    return str(said).startswith(f"the {role} role may not")


def test_every_route_answers_each_role_as_the_access_table_says(
    live_api: str, role_tokens: dict[Role, str]
) -> None:
    wrong: list[str] = []
    with httpx.Client(base_url=live_api, timeout=30) as client:
        ops = operations(client.get("/openapi.json").json())
        for operation in ops:
            if (operation.method, operation.path) in PUBLIC_ROUTES:
                continue
            wrong += _check_operation(client, operation, role_tokens)
    assert wrong == [], "\n".join(wrong)
    assert len(ops) >= 6


def _check_operation(
    client: httpx.Client, operation: Operation, role_tokens: dict[Role, str]
) -> list[str]:
    where = f"{operation.method} {operation.path}"
    anonymous = _request(client, operation, None)
    wrong = [] if anonymous.status_code == 401 else [f"{where} without a token: {anonymous}"]
    allowed = allowed_roles(operation.method, operation.path)
    for role, token in role_tokens.items():
        response = _request(client, operation, token)
        if role in allowed and (response.status_code == 401 or _refused_by_role(response, role)):
            wrong.append(f"{where} as {role}: refused with {response.status_code}")
        elif role not in allowed and not _refused_by_role(response, role):
            wrong.append(f"{where} as {role}: expected 403, got {response.status_code}")
    return wrong


def test_public_routes_need_no_token(live_api: str) -> None:
    with httpx.Client(base_url=live_api, timeout=30) as client:
        for method, path in PUBLIC_ROUTES:
            assert client.request(method, path).status_code in {200, 503}


def test_every_list_caps_its_page_size(live_api: str, role_tokens: dict[Role, str]) -> None:
    """A `limit` query parameter has a maximum, and one past it is refused with 422."""
    admin = {"Authorization": f"Bearer {role_tokens[Role.ADMIN]}"}
    uncapped, unenforced = [], []
    with httpx.Client(base_url=live_api, timeout=30, headers=admin) as client:
        for operation in operations(client.get("/openapi.json").json()):
            for parameter in operation.spec.get("parameters", []):
                if parameter["name"] not in {"limit", "page_size"} or operation.method != "GET":
                    continue
                schema = parameter["schema"]
                if "maximum" not in schema:
                    uncapped.append(operation.path)
                    continue
                path = _fill_path(operation)
                too_many = {parameter["name"]: schema["maximum"] + 1}
                if client.get(path, params=too_many).status_code != 422:
                    unenforced.append(operation.path)
    assert uncapped == []
    assert unenforced == []


def _fill_path(operation: Operation) -> str:
    path = operation.path
    for parameter in operation.spec.get("parameters", []):
        if parameter["in"] == "path":
            path = path.replace("{" + parameter["name"] + "}", plausible(parameter["schema"]))
    return path


@pytest.mark.parametrize("scheme", ["Basic", "Token", ""])
def test_credentials_that_are_not_a_bearer_token_get_401(live_api: str, scheme: str) -> None:
    headers = {"Authorization": f"{scheme} wl_something".strip()}
    response = httpx.get(f"{live_api}/api/v1/me", headers=headers)
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
