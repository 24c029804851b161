"""Every error leaves the API as `application/problem+json` (RFC 9457)."""

import logging
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException

from app.auth.errors import AuthenticationError
from app.errors import Conflict, DomainError, Forbidden, Invalid, NotFound

logger = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"

_STATUS_BY_KIND: dict[type[DomainError], int] = {
    NotFound: 404,
    Conflict: 409,
    Invalid: 422,
    Forbidden: 403,
}


def problem(
    status: int, detail: str, headers: Mapping[str, str] | None = None, **extra: Any
) -> JSONResponse:
    body = {"type": "about:blank", "title": HTTPStatus(status).phrase, "status": status}
    body |= {"detail": detail, **extra}
    return JSONResponse(
        jsonable_encoder(body), status_code=status, headers=headers, media_type=PROBLEM_JSON
    )


def _status_for(error: DomainError) -> int:
    for kind in type(error).__mro__:
        if kind in _STATUS_BY_KIND:
            return _STATUS_BY_KIND[kind]
    return 400


async def _domain_error(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, DomainError)
    extra = getattr(error, "problem_fields", {})
    return problem(_status_for(error), str(error), **extra)


async def _unauthenticated(_: Request, error: Exception) -> JSONResponse:
    return problem(401, str(error), headers={"WWW-Authenticate": "Bearer"})


async def _http_error(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, HTTPException)
    return problem(error.status_code, str(error.detail), headers=error.headers)


async def _validation_error(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    errors = [{"loc": list(e["loc"]), "msg": e["msg"], "type": e["type"]} for e in error.errors()]
    first = errors[0] if errors else {"loc": [], "msg": "invalid request"}
    where = ".".join(str(part) for part in first["loc"])
    return problem(422, f"{where}: {first['msg']}", errors=errors)


async def _unstorable_value(request: Request, error: Exception) -> JSONResponse:
    # The database refused a value as data (a NUL in text, a number out of range): the caller's
    # input, not our fault. The statement's parameters may hold patient data: never logged.
    code = getattr(getattr(error, "orig", None), "sqlstate", None)
    logger.warning("value refused by the database", extra={"sqlstate": code})
    return problem(422, "a value in the request cannot be stored or searched as given")


async def _unexpected(request: Request, error: Exception) -> JSONResponse:
    logger.exception("unhandled error", extra={"path": request.url.path})
    return problem(500, "internal error; the request id in the logs tells what happened")


def install_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(DomainError, _domain_error)
    app.add_exception_handler(AuthenticationError, _unauthenticated)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(DataError, _unstorable_value)
    app.add_exception_handler(Exception, _unexpected)


PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "An RFC 9457 problem document",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {"type": "array", "items": {"type": "object"}},
    },
}


def document_problems(app: FastAPI, undocumented: frozenset[tuple[str, str]]) -> None:
    """Say in the OpenAPI schema what the handlers above do: errors are problem+json.

    Every operation but those in `undocumented` (health probes with their own bodies) gets a
    `default` problem response, and FastAPI's 422 is described as the problem it really is.
    """

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
            )
            schema.setdefault("components", {}).setdefault("schemas", {})["Problem"] = (
                PROBLEM_SCHEMA
            )
            _describe_errors(schema, undocumented)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def _describe_errors(schema: dict[str, Any], undocumented: frozenset[tuple[str, str]]) -> None:
    content = {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for path, item in schema.get("paths", {}).items():
        for method, operation in item.items():
            if (method.upper(), path) in undocumented:
                continue
            responses = operation.setdefault("responses", {})
            if "422" in responses:
                # FastAPI's own JSON description goes; a route's other media types (FHIR) stay.
                declared = responses["422"].get("content", {})
                declared.pop("application/json", None)
                responses["422"] = {
                    "description": "The request is not valid",
                    "content": declared | content,
                }
            responses["default"] = {"description": "An error, as a problem", "content": content}
