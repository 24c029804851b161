"""Liveness and readiness, for load balancers and orchestrators (no token needed)."""

import socket

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text

from app.api.examples import READY
from app.db.migrations import current_revision
from app.db.session import get_engine
from app.settings import Settings

router = APIRouter(tags=["health"])


@router.get(
    "/healthz",
    summary="Liveness probe",
    responses={200: {"content": {"application/json": {"example": {"status": "ok"}}}}},
)
def healthz() -> dict[str, str]:
    """The process is alive. No token; changes nothing; always `200` while the process runs."""
    return {"status": "ok"}


@router.get(
    "/readyz",
    response_model=None,
    summary="Readiness probe",
    responses={
        200: {"content": {"application/json": {"example": READY}}},
        503: {"description": "Not ready: the database is unreachable or its schema is behind"},
    },
)
def readyz(request: Request) -> dict[str, str] | JSONResponse:
    """The database answers, its schema is at the migration head this build expects, and the
    DICOM listener accepts connections (it does while it reconciles its storage at start).

    No token; changes nothing. `503` with a `detail` saying what is missing otherwise.
    """
    url: str = request.app.state.database_url
    expected: str | None = request.app.state.schema_head
    try:
        with get_engine(url).connect() as connection:
            connection.execute(text("SELECT 1"))
        current = current_revision(url)
    except Exception as error:  # any failure to reach the database means not ready
        return _not_ready(f"database unreachable: {type(error).__name__}")
    if current != expected:
        return _not_ready(f"schema at {current}, expected {expected}: run `worklist migrate`")
    listener = _listener_not_accepting(request.app.state.settings)
    if listener:
        return _not_ready(listener)
    return {"status": "ready", "schema": str(current)}


def _not_ready(detail: str) -> JSONResponse:
    return JSONResponse({"status": "not ready", "detail": detail}, status_code=503)


def _listener_not_accepting(settings: Settings) -> str | None:
    """Why the DICOM listener is not ready, or None when it accepts (or is not checked).

    A TCP connection closed at once: a connection that sends nothing costs the listener no
    association, no log line and no audit row.
    """
    address = settings.listener_address_for_readiness
    if address is None:
        return None
    try:
        socket.create_connection(address, timeout=1.0).close()
    except OSError as error:
        host, port = address
        return f"DICOM listener at {host}:{port} does not accept connections ({error.strerror})"
    return None
