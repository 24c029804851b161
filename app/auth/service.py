"""Issuing and checking API tokens."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from app.auth import repository
from app.auth.errors import AuthenticationError, UnknownRadiologist
from app.auth.models import ApiToken
from app.auth.principal import Principal
from app.auth.tokens import display_prefix, generate_token, hash_token
from app.people.models import Radiologist
from app.vocabulary import Role

# Writing last_used_at on every poll would turn each read into a write; a minute is precise enough.
_LAST_USED_RESOLUTION = timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class IssuedToken:
    id: int
    secret: str


def issue_token(
    session: Session,
    *,
    name: str,
    role: Role,
    radiologist_id: int | None = None,
    expires_at: datetime | None = None,
) -> IssuedToken:
    if role is Role.RADIOLOGIST and radiologist_id is None:
        raise UnknownRadiologist("a radiologist token needs --radiologist-id")
    if radiologist_id is not None and session.get(Radiologist, radiologist_id) is None:
        raise UnknownRadiologist(f"no radiologist with id {radiologist_id}")
    secret = generate_token()
    row = ApiToken(
        name=name,
        role=role.value,
        token_hash=hash_token(secret),
        token_prefix=display_prefix(secret),
        radiologist_id=radiologist_id,
        expires_at=expires_at,
    )
    repository.add(session, row)
    return IssuedToken(id=row.id, secret=secret)


def authenticate(
    session: Session, secret: str, source_address: str | None = None, now: datetime | None = None
) -> Principal:
    now = now or datetime.now(UTC)
    row = repository.find_by_hash(session, hash_token(secret))
    if row is None or row.revoked_at is not None:
        raise AuthenticationError("the token is not valid")
    if row.expires_at is not None and row.expires_at <= now:
        raise AuthenticationError("the token has expired")
    if row.last_used_at is None or now - row.last_used_at > _LAST_USED_RESOLUTION:
        repository.mark_used(session, row.id, now)
    return Principal(
        name=row.name,
        role=Role(row.role),
        token_id=row.id,
        radiologist_id=row.radiologist_id,
        source_address=source_address,
    )
