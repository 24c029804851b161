"""Every query on API tokens."""

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.auth.models import ApiToken


def add(session: Session, token: ApiToken) -> ApiToken:
    session.add(token)
    session.flush()
    return token


def get(session: Session, token_id: int, *, for_update: bool = False) -> ApiToken | None:
    return session.get(ApiToken, token_id, with_for_update=for_update)


def find_by_hash(session: Session, token_hash: str) -> ApiToken | None:
    return session.scalars(select(ApiToken).where(ApiToken.token_hash == token_hash)).one_or_none()


def page(
    session: Session, *, after_id: int | None, limit: int, include_revoked: bool
) -> list[ApiToken]:
    """Tokens in id order, starting after the cursor."""
    query = select(ApiToken).order_by(ApiToken.id).limit(limit)
    if after_id is not None:
        query = query.where(ApiToken.id > after_id)
    if not include_revoked:
        query = query.where(ApiToken.revoked_at.is_(None))
    return list(session.scalars(query))


def mark_used(session: Session, token_id: int, at: datetime) -> None:
    """Note the use, unless a concurrent request of the same token is noting it right now.

    Waiting for that request's row lock would hold a worker thread the holder may need first.
    """
    free = select(ApiToken.id).where(ApiToken.id == token_id).with_for_update(skip_locked=True)
    session.execute(update(ApiToken).where(ApiToken.id.in_(free)).values(last_used_at=at))
