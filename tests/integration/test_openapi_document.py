"""The OpenAPI document is enough to write a client: every operation says what it is, who may
call it, what it changes and answers, with an example of each body that the API would take."""

import importlib
import pkgutil
from typing import Any

from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from pydantic import TypeAdapter, ValidationError

from app.api import routes
from app.api.access import PUBLIC_ROUTES

METHODS = {"get", "post", "put", "patch", "delete"}


def _operations(client: TestClient) -> list[tuple[str, str, dict[str, Any]]]:
    paths = client.get("/openapi.json").json()["paths"]
    return [
        (method.upper(), path, operation)
        for path, item in paths.items()
        for method, operation in item.items()
        if method in METHODS
    ]


def _undocumented(method: str, path: str, operation: dict[str, Any]) -> list[str]:
    missing = []
    if not operation.get("summary"):
        missing.append("summary")
    description = operation.get("description", "")
    if not description:
        missing.append("description")
    elif (method, path) not in PUBLIC_ROUTES and "**Who may call:**" not in description:
        missing.append("who may call")
    body = operation.get("requestBody", {}).get("content", {})
    missing += [f"example of the {media} body" for media in body if "example" not in body[media]]
    for status, response in operation.get("responses", {}).items():
        content = response.get("content", {})
        if status.startswith("2"):
            missing += [
                f"example of the {status} answer" for m in content if "example" not in content[m]
            ]
    return missing


def test_every_operation_has_a_summary_a_description_and_examples(client: TestClient) -> None:
    operations = _operations(client)
    missing = {
        f"{method} {path}": gaps
        for method, path, operation in operations
        if (gaps := _undocumented(method, path, operation))
    }
    assert missing == {}
    assert len(operations) >= 44


def test_every_summary_is_written_not_derived_from_the_function_name(client: TestClient) -> None:
    derived = [
        f"{method} {path}"
        for method, path, operation in _operations(client)
        if operation["operationId"].startswith(operation["summary"].lower().replace(" ", "_"))
    ]
    assert derived == []


def _api_routes() -> list[APIRoute]:
    modules = pkgutil.iter_modules(routes.__path__, f"{routes.__name__}.")
    routers = [importlib.import_module(module.name).router for module in modules]
    return [route for router in routers for route in router.routes if isinstance(route, APIRoute)]


def test_every_example_is_a_body_the_api_takes_or_gives(client: TestClient) -> None:
    """An example that drifted from its model would teach clients the wrong shape."""
    schema = client.get("/openapi.json").json()["paths"]
    checked, wrong = set(), []
    for route in _api_routes():
        for method in route.methods or ():
            wrong += _invalid_examples(route, schema[route.path_format][method.lower()])
            checked.add((method, route.path_format))
    assert wrong == []
    assert checked == {(method, path) for method, path, _ in _operations(client)}


def _invalid_examples(route: APIRoute, operation: dict[str, Any]) -> list[str]:
    checks: list[tuple[Any, Any]] = []
    body = operation.get("requestBody", {}).get("content", {}).get("application/json")
    if body is not None and route.body_field is not None:
        checks.append((route.body_field.field_info.annotation, body["example"]))
    answer = operation["responses"].get(str(route.status_code or 200), {})
    json_answer = answer.get("content", {}).get("application/json")
    if json_answer is not None and route.response_model is not None:
        checks.append((route.response_model, json_answer["example"]))
    wrong = []
    for model, example in checks:
        try:
            TypeAdapter(model).validate_python(example)
        except ValidationError as error:
            wrong.append(f"{route.path} {model}: {error}")
    return wrong


def test_errors_are_documented_as_problems_with_the_roles_that_may_call(
    client: TestClient,
) -> None:
    finalize = client.get("/openapi.json").json()["paths"]["/api/v1/tasks/{task_id}/finalize"]
    operation = finalize["post"]
    assert "**Who may call:** radiologist." in operation["description"]
    for status in ("400", "401", "403", "404", "409", "422"):
        assert "application/problem+json" in operation["responses"][status]["content"]
        assert f"- `{status}`" in operation["description"]


def test_the_uploads_answer_documents_the_shown_name_beside_the_dicom_one(
    client: TestClient,
) -> None:
    document = client.get("/openapi.json").json()
    study = document["components"]["schemas"]["StudyStored"]
    upload = document["paths"]["/api/v1/uploads"]["post"]["responses"]["200"]
    (example,) = upload["content"]["application/json"]["example"]["studies"]
    assert {"patient_name", "patient_display_name"} <= set(study["required"])
    assert "ROSSI, ANNA" in study["properties"]["patient_display_name"]["description"]
    assert (example["patient_name"], example["patient_display_name"]) == ("DOE^JANE", "DOE, JANE")
