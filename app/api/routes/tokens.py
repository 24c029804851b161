"""Token administration: list, issue and revoke API tokens (admins only, see access.py)."""

from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Path, Query, status

from app.api.deps import CurrentUser, SessionDep
from app.api.limits import IdCursor
from app.auth import service
from app.auth.schemas import TokenCreate, TokenCreated, TokenOut, TokenPage
from app.row_ids import RowId

router = APIRouter(prefix="/api/v1/tokens", tags=["tokens"])

TokenId = Annotated[RowId, Path()]


@router.get("", summary="List API tokens")
def list_tokens(
    session: SessionDep,
    _: CurrentUser,
    cursor: IdCursor = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    include_revoked: bool = False,
) -> TokenPage:
    """Tokens without their secrets, oldest first (`include_revoked` for all). Changes nothing."""
    rows = service.list_tokens(
        session, after_id=cursor, limit=limit, include_revoked=include_revoked
    )
    next_cursor = rows[-1].id if len(rows) == limit else None
    return TokenPage(tokens=[TokenOut.model_validate(r) for r in rows], next_cursor=next_cursor)


@router.post("", status_code=status.HTTP_201_CREATED, summary="Issue an API token")
def create_token(body: TokenCreate, session: SessionDep, user: CurrentUser) -> TokenCreated:
    """Issue a token; the response is the only time its secret is shown. Audited.

    A radiologist token names its `radiologist_id`. `422` names a missing or invalid field.
    """
    expires_at = None
    if body.expires_in_days is not None:
        expires_at = datetime.now(UTC) + timedelta(days=body.expires_in_days)
    issued = service.issue_token(
        session,
        name=body.name,
        role=body.role,
        radiologist_id=body.radiologist_id,
        expires_at=expires_at,
        issued_by=user,
    )
    shown = TokenOut.model_validate(issued.row).model_dump()
    return TokenCreated(**shown, token=issued.secret)


@router.post("/{token_id}/revoke", summary="Revoke an API token")
def revoke_token(token_id: TokenId, session: SessionDep, user: CurrentUser) -> TokenOut:
    """The token stops working at once; audited. `404` for an unknown token."""
    return TokenOut.model_validate(service.revoke_token(session, token_id, user))
