"""Issuing, listing, revoking and checking API tokens."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from app.audit.events import AuditAction
from app.audit.service import record
from app.auth import repository
from app.auth.errors import AuthenticationError, TokenNotFound, UnknownRadiologist
from app.auth.models import ApiToken
from app.auth.tokens import display_prefix, generate_token, hash_token
from app.people.models import Radiologist
from app.principal import Principal
from app.vocabulary import Role

# Writing last_used_at on every poll would turn each read into a write; a minute is precise enough.
_LAST_USED_RESOLUTION = timedelta(minutes=1)

COMMAND_LINE = Principal.system("command-line")


@dataclass(frozen=True, slots=True)
class IssuedToken:
    id: int
    secret: str
    row: ApiToken


def issue_token(
    session: Session,
    *,
    name: str,
    role: Role,
    radiologist_id: int | None = None,
    expires_at: datetime | None = None,
    issued_by: Principal = COMMAND_LINE,
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
    _audit_change(session, issued_by, row, "token issued")
    return IssuedToken(id=row.id, secret=secret, row=row)


def list_tokens(
    session: Session, *, after_id: int | None, limit: int, include_revoked: bool
) -> list[ApiToken]:
    return repository.page(session, after_id=after_id, limit=limit, include_revoked=include_revoked)


def revoke_token(session: Session, token_id: int, revoked_by: Principal) -> ApiToken:
    """Revoke a token from now on; revoking a revoked token changes nothing."""
    row = repository.get(session, token_id, for_update=True)
    if row is None:
        raise TokenNotFound(f"no token with id {token_id}")
    if row.revoked_at is None:
        row.revoked_at = datetime.now(UTC)
        session.flush()
        _audit_change(session, revoked_by, row, "token revoked")
    return row


def _audit_change(session: Session, actor: Principal, row: ApiToken, change: str) -> None:
    # PS3.15 A.5.3.11: a change to who may use the system is a Security Alert.
    details = {"change": change, "name": row.name, "role": row.role, "prefix": row.token_prefix}
    record(
        session,
        actor,
        AuditAction.SECURITY_ALERT,
        object_type="api_token",
        object_id=row.id,
        details=details,
    )


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
