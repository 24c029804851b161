"""Liveness and readiness, for load balancers and orchestrators (no token needed)."""

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text

from app.api.examples import READY
from app.db.migrations import current_revision
from app.db.session import get_engine

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
    """The database answers and its schema is at the migration head this build expects.

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
    return {"status": "ready", "schema": str(current)}


def _not_ready(detail: str) -> JSONResponse:
    return JSONResponse({"status": "not ready", "detail": detail}, status_code=503)
