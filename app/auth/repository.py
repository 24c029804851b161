"""Every query on API tokens."""

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.auth.models import ApiToken


def add(session: Session, token: ApiToken) -> ApiToken:
    session.add(token)
    session.flush()
    return token


def find_by_hash(session: Session, token_hash: str) -> ApiToken | None:
    return session.scalars(select(ApiToken).where(ApiToken.token_hash == token_hash)).one_or_none()


def mark_used(session: Session, token_id: int, at: datetime) -> None:
    session.execute(update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=at))
