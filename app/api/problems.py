"""Every error leaves the API as `application/problem+json` (RFC 9457), and the FHIR endpoints
as an OperationOutcome, the one error their clients read."""

import json
import logging
from collections.abc import Awaitable, Callable, Mapping
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import DataError, OperationalError
from starlette.exceptions import HTTPException

from app.auth.errors import AuthenticationError
from app.errors import Conflict, DomainError, Forbidden, Invalid, NotFound, PreconditionRequired
from app.fhir.outcomes import FHIR_JSON, operation_outcome
from app.storage.objects import StorageUnavailable

logger = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"
DATABASE_RETRY_AFTER = 2  # seconds: a restarting Postgres is back about this soon

_STATUS_BY_KIND: dict[type[DomainError], int] = {
    NotFound: 404,
    Conflict: 409,
    Invalid: 422,
    Forbidden: 403,
    PreconditionRequired: 428,
}


FHIR_PATHS = "/fhir/"
# The OperationOutcome issue type (FHIR value set issue-type) of each status an error leaves with.
_FHIR_ISSUE_TYPES = {
    400: "invalid",
    401: "login",
    403: "forbidden",
    404: "not-found",
    406: "not-supported",
    409: "conflict",
    413: "too-long",
    422: "invalid",
    428: "business-rule",
    503: "transient",
}
# What a problem's headers tell a client to do, kept on its OperationOutcome.
_KEPT_HEADERS = ("www-authenticate", "retry-after")

ErrorHandler = Callable[[Request, Exception], Awaitable[JSONResponse]]
AnyErrorHandler = Callable[[Request, Exception], Awaitable[Response]]


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
    malformed = next((e for e in error.errors() if e["type"] == "json_invalid"), None)
    if malformed is not None:
        return _not_json(malformed, error.body)
    errors = [
        {"loc": list(e["loc"]), "msg": _message(e), "type": e["type"]} for e in error.errors()
    ]
    first = errors[0] if errors else {"loc": [], "msg": "invalid request"}
    where = ".".join(str(part) for part in first["loc"])
    return problem(422, f"{where}: {first['msg']}", errors=errors)


def _message(error: Mapping[str, Any]) -> str:
    if error["type"] == "extra_forbidden":
        return "not a field of this request (unknown fields are refused, never ignored)"
    return str(error["msg"])


def _not_json(error: Mapping[str, Any], document: Any) -> JSONResponse:
    """400 saying where the body stops being JSON: line and column, as an editor counts them."""
    position = int(error["loc"][-1])
    reason = error.get("ctx", {}).get("error", "not JSON")
    at = json.JSONDecodeError(reason, document if isinstance(document, str) else "", position)
    detail = f"the request body is not valid JSON: {reason} at line {at.lineno}, column {at.colno}"
    return problem(400, detail, line=at.lineno, column=at.colno, position=position, reason=reason)


async def _unstorable_value(request: Request, error: Exception) -> JSONResponse:
    # The database refused a value as data (a NUL in text, a number out of range): the caller's
    # input, not our fault. The statement's parameters may hold patient data: never logged.
    code = getattr(getattr(error, "orig", None), "sqlstate", None)
    logger.warning("value refused by the database", extra={"sqlstate": code})
    return problem(422, "a value in the request cannot be stored or searched as given")


async def _database_unavailable(request: Request, error: Exception) -> JSONResponse:
    # Postgres restarting, unreachable or out of connections: nothing was done (the transaction
    # is rolled back), the pool reconnects by itself, and the caller may simply ask again.
    code = getattr(getattr(error, "orig", None), "sqlstate", None)
    logger.warning("database unavailable", extra={"path": request.url.path, "sqlstate": code})
    detail = "the database is unavailable for a moment: nothing was changed, try again shortly"
    return problem(503, detail, headers={"Retry-After": str(DATABASE_RETRY_AFTER)})


async def _storage_unavailable(request: Request, error: Exception) -> JSONResponse:
    logger.warning("storage unavailable", extra={"path": request.url.path, "error": str(error)})
    return problem(503, "storage is unavailable: nothing was changed, try again later")


async def _unexpected(request: Request, error: Exception) -> JSONResponse:
    logger.exception("unhandled error", extra={"path": request.url.path})
    return problem(500, "internal error; the request id in the logs tells what happened")


def _told_in_fhir_terms(handler: ErrorHandler) -> AnyErrorHandler:
    """The handler's problem, as an OperationOutcome with the same status on the FHIR endpoints."""

    async def answer(request: Request, error: Exception) -> Response:
        told = await handler(request, error)
        if not request.url.path.startswith(FHIR_PATHS):
            return told
        detail = str(json.loads(bytes(told.body))["detail"])
        issue_type = _FHIR_ISSUE_TYPES.get(told.status_code, "exception")
        outcome = operation_outcome([("", detail)], issue_type)
        headers = {name: value for name, value in told.headers.items() if name in _KEPT_HEADERS}
        return Response(outcome, told.status_code, headers, media_type=FHIR_JSON)

    return answer


def install_problem_handlers(app: FastAPI) -> None:
    handlers: list[tuple[type[Exception], ErrorHandler]] = [
        (DomainError, _domain_error),
        (AuthenticationError, _unauthenticated),
        (HTTPException, _http_error),
        (RequestValidationError, _validation_error),
        (DataError, _unstorable_value),
        (OperationalError, _database_unavailable),
        (StorageUnavailable, _storage_unavailable),
        (Exception, _unexpected),
    ]
    for kind, handler in handlers:
        app.add_exception_handler(kind, _told_in_fhir_terms(handler))
