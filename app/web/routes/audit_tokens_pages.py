"""`/admin/audit` (the trail, filtered, with its export) and `/admin/tokens` (integration tokens
issued and revoked, the secret shown once). Admins only; the same services as the JSON API."""

from datetime import UTC, datetime, timedelta
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Path, Request
from fastapi.responses import HTMLResponse
from pydantic import TypeAdapter, ValidationError
from sqlalchemy.orm import Session

from app.api.deps import CurrentUser, SessionDep
from app.api.limits import IdCursor
from app.audit import service as audit
from app.audit.repository import AuditFilter
from app.auth import service as tokens
from app.auth.schemas import TokenCreate
from app.errors import DomainError, Invalid
from app.row_ids import RowId
from app.web.rendering import page

router = APIRouter(include_in_schema=False)

PAGE_SIZE = 100
FILTER_FIELDS = ("actor", "action", "object_type", "object_id", "outcome", "since", "until")
TokenId = Annotated[RowId, Path()]


def filled_filters(request: Request) -> dict[str, str]:
    """The filter fields the form sent with a value (an empty box means any)."""
    filled = {key: value.strip() for key, value in request.query_params.items()}
    return {key: value for key, value in filled.items() if key in FILTER_FIELDS and value}


def page_filter(filled: Annotated[dict[str, str], Depends(filled_filters)]) -> AuditFilter:
    too_long = [key for key, value in filled.items() if len(value) > 200]
    if too_long:
        raise Invalid(f"{too_long[0]}: at most 200 characters")
    try:
        return TypeAdapter(AuditFilter).validate_python(filled)
    except ValidationError as error:
        first = error.errors()[0]
        raise Invalid(f"{first['loc'][0]}: {first['msg']}") from error


@router.get("/admin/audit")
def audit_page(
    request: Request, user: CurrentUser, session: SessionDep,
    wanted: Annotated[AuditFilter, Depends(page_filter)],
    filled: Annotated[dict[str, str], Depends(filled_filters)],
    cursor: IdCursor = None,
) -> HTMLResponse:  # fmt: skip
    """Newest first, a page at a time; the search itself is audited, as over the API."""
    events = audit.search(session, user, wanted, before_id=cursor, limit=PAGE_SIZE)
    query = filled
    older = events[-1].id if len(events) == PAGE_SIZE else None
    return page(
        request, "audit.html", events=events, wanted=wanted, query=urlencode(query),
        older=older,
    )  # fmt: skip


@router.get("/admin/tokens")
def tokens_page(request: Request, user: CurrentUser, session: SessionDep) -> HTMLResponse:
    return _tokens(request, session)


@router.post("/admin/tokens")
def issue_token(
    request: Request, user: CurrentUser, session: SessionDep,
    name: Annotated[str, Form(min_length=1, max_length=200)], role: Annotated[str, Form()],
    radiologist_id: Annotated[str, Form(max_length=20)] = "",
    expires_in_days: Annotated[str, Form(max_length=5)] = "",
) -> HTMLResponse:  # fmt: skip
    """Issue a token; its secret is on this answer only."""
    try:
        body = TokenCreate.model_validate(
            {"name": name.strip(), "role": role, "radiologist_id": radiologist_id or None,
             "expires_in_days": expires_in_days or None}
        )  # fmt: skip
        days = body.expires_in_days
        issued = tokens.issue_token(
            session, name=body.name, role=body.role, radiologist_id=body.radiologist_id,
            expires_at=datetime.now(UTC) + timedelta(days=days) if days else None, issued_by=user,
        )  # fmt: skip
    except (DomainError, ValueError) as error:
        session.rollback()
        return _tokens(request, session, 422, error=str(error))
    return _tokens(request, session, 201, issued=issued)


@router.post("/admin/tokens/{token_id}/revoke")
def revoke_token(
    request: Request, token_id: TokenId, user: CurrentUser, session: SessionDep
) -> HTMLResponse:
    revoked = tokens.revoke_token(session, token_id, user)
    return _tokens(request, session, notice=f"Token {revoked.name} revoked.")


def _tokens(
    request: Request, session: Session, status_code: int = 200, **context: object
) -> HTMLResponse:
    rows = tokens.list_tokens(session, after_id=None, limit=1000, include_revoked=True)
    return page(request, "tokens.html", status_code, tokens=rows, **context)
