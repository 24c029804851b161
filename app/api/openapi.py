"""The OpenAPI document as a client developer reads it: who may call, errors, examples.

FastAPI builds the operations from the routes; this adds what the routes leave implicit: the
roles each operation admits (from the access table), the problem+json errors every handler in
`app/api/problems.py` may answer (OperationOutcomes on the FHIR endpoints), and an example of each
request and answer body.
"""

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from app.api.access import PUBLIC_ROUTES, allowed_roles
from app.api.examples import ANSWERS, OPERATION_OUTCOME, REQUESTS
from app.api.problems import FHIR_PATHS, PROBLEM_JSON
from app.fhir.outcomes import FHIR_JSON

PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "An RFC 9457 problem document; some carry more fields (state, version...)",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {"type": "array", "items": {"type": "object"}},
    },
    "examples": [
        {
            "type": "about:blank",
            "title": "Conflict",
            "status": 409,
            "detail": "task 4711 is at version 4 (PRELIMINARY), not 3: someone moved first",
            "state": "PRELIMINARY",
            "version": 4,
        }
    ],
}
TRANSITION_ERRORS: dict[int | str, dict[str, Any]] = {
    403: {"description": "The task is another radiologist's, or not for the caller's role"},
    404: {"description": "No task with this id"},
    409: {"description": "`version` is stale: someone moved first; the problem has the current"},
    422: {"description": "The task's state refuses this; `allowed_actions` lists the caller's"},
}
_COMMON_ERRORS = {
    "401": "No bearer token, or one unknown, revoked or expired",
    "403": "The caller's role may not call this",
}
_BODY_ERRORS = {
    "400": "The body is not JSON; the problem says at which line and column",
    "413": "The body is larger than `WORKLIST_MAX_BODY_BYTES`",
    "422": "A field is missing, unknown or invalid; the problem names it",
}


def document_api(app: FastAPI) -> None:
    """Serve the OpenAPI document with roles, problem responses and examples filled in."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(
                title=app.title, version=app.version, description=app.description, routes=app.routes
            )
            schema.setdefault("components", {}).setdefault("schemas", {})["Problem"] = (
                PROBLEM_SCHEMA
            )
            for path, item in schema.get("paths", {}).items():
                for method, operation in item.items():
                    _document(method.upper(), path, operation)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def _document(method: str, path: str, operation: dict[str, Any]) -> None:
    _add_examples(operation)
    if (method, path) in PUBLIC_ROUTES:
        return
    responses = operation.setdefault("responses", {})
    errors = _COMMON_ERRORS | (_BODY_ERRORS if "requestBody" in operation else {})
    kind, content = _error_content(path)
    for status, description in errors.items():
        responses.setdefault(status, {"description": description})
    for status, response in responses.items():
        if status.startswith("4"):
            # FastAPI's own JSON description goes; a route's other media types (FHIR) stay.
            declared = response.get("content", {})
            declared.pop("application/json", None)
            response["content"] = declared | content
    responses["default"] = {"description": f"Any other error, as a {kind}", "content": content}
    roles = ", ".join(sorted(allowed_roles(method, path)))
    listed = "\n".join(
        f"- `{status}` {response['description']}"
        for status, response in sorted(responses.items())
        if status.startswith("4")
    )
    operation["description"] = (
        f"{operation.get('description', '').strip()}\n\n**Who may call:** {roles}.\n\n"
        f"**Errors** (`{next(iter(content))}`):\n{listed}"
    ).strip()


def _error_content(path: str) -> tuple[str, dict[str, Any]]:
    """What an operation's errors are called and how they are sent: FHIR's own on its endpoints."""
    if path.startswith(FHIR_PATHS):
        return "OperationOutcome", {
            FHIR_JSON: {"schema": {"type": "object"}, "example": OPERATION_OUTCOME}
        }
    return "problem", {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}}


def _add_examples(operation: dict[str, Any]) -> None:
    body = operation.get("requestBody", {}).get("content", {}).get("application/json")
    if body is not None:
        _set_example(body, REQUESTS)
    for status, response in operation.get("responses", {}).items():
        answer = response.get("content", {}).get("application/json")
        if status.startswith("2") and answer is not None:
            _set_example(answer, ANSWERS)


def _set_example(media: dict[str, Any], examples: dict[str, Any]) -> None:
    """The example of the schema's component, or a list of it for an array of that component."""
    if "example" in media:
        return
    schema = media.get("schema", {})
    options = schema.get("anyOf", [schema])
    for option in options:
        name = _component(option.get("items", option))
        if name in examples:
            example = examples[name]
            media["example"] = [example] if option.get("type") == "array" else example
            return


def _component(schema: dict[str, Any]) -> str:
    return str(schema.get("$ref", "")).rsplit("/", 1)[-1]
