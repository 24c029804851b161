"""Signing in with a name and password, and the browser sessions that follow."""

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from app.audit.events import AuditAction, Outcome
from app.audit.service import record
from app.auth.errors import AuthenticationError
from app.auth.models import SignInFailure, User, WebSession
from app.auth.passwords import verify_password
from app.auth.tokens import generate_token, hash_token
from app.principal import Principal
from app.vocabulary import Role

IDLE_EXPIRY = timedelta(hours=12)
FAILURE_WINDOW = timedelta(minutes=15)
FAILURES_ALLOWED = 10
# Noting the time of every page load would turn each read into a write; a minute is enough.
_SEEN_RESOLUTION = timedelta(minutes=1)
REFUSED = "the name or the password is wrong"
THROTTLED = "too many failed sign-ins: wait 15 minutes and try again"


@dataclass(frozen=True, slots=True)
class SignedIn:
    secret: str  # goes in the cookie, never stored
    csrf_token: str
    user: User


@dataclass(frozen=True, slots=True)
class SessionUser:
    principal: Principal
    csrf_token: str
    session_id: int


def sign_in(session: Session, name: str, password: str, address: str | None) -> SignedIn | str:
    """A new session, or why not. A refusal is written (and audited) in the caller's transaction."""
    if _recent_failures(session, name, address) >= FAILURES_ALLOWED:
        _refuse(session, name, address, "throttled")
        return THROTTLED
    user = session.scalars(select(User).where(User.name == name)).one_or_none()
    known = user is not None and user.active
    if not verify_password(password, user.password_hash if known and user else None):
        _refuse(session, name, address, "wrong name or password")
        return REFUSED
    assert user is not None
    secret, csrf_token = generate_token(), secrets.token_urlsafe(32)
    row = WebSession(
        user_id=user.id, token_hash=hash_token(secret), csrf_token=csrf_token,
        source_address=address,
    )  # fmt: skip
    session.add(row)
    session.flush()
    record(session, principal_of(user, address), AuditAction.USER_AUTHENTICATION,
           object_type="user", object_id=user.id, details={"event": "signed in"})  # fmt: skip
    return SignedIn(secret=secret, csrf_token=csrf_token, user=user)


def session_user(session: Session, secret: str, address: str | None) -> SessionUser:
    """The person behind a session cookie, if the session is open, recent and theirs is active."""
    now = datetime.now(UTC)
    found = session.execute(
        select(WebSession, User)
        .join(User, User.id == WebSession.user_id)
        .where(WebSession.token_hash == hash_token(secret), WebSession.ended_at.is_(None))
    ).one_or_none()
    if found is None:
        raise AuthenticationError("the session has ended: sign in again")
    row, user = found
    if not user.active or now - row.last_seen_at > IDLE_EXPIRY:
        raise AuthenticationError("the session has ended: sign in again")
    if now - row.last_seen_at > _SEEN_RESOLUTION:
        row.last_seen_at = now
        session.flush()
    return SessionUser(principal_of(user, address), row.csrf_token, row.id)


def sign_out(session: Session, secret: str) -> None:
    row = session.scalars(
        select(WebSession).where(WebSession.token_hash == hash_token(secret))
    ).one_or_none()
    if row is not None and row.ended_at is None:
        row.ended_at = datetime.now(UTC)
        session.flush()


def principal_of(user: User, address: str | None) -> Principal:
    """The same kind of caller the services know from a token."""
    return Principal(
        name=user.name, role=Role(user.role), radiologist_id=user.radiologist_id,
        source_address=address, user_id=user.id,
    )  # fmt: skip


def _recent_failures(session: Session, name: str, address: str | None) -> int:
    """The more of: failures for this name, failures from this address, in the last window."""
    by_name = SignInFailure.name == name
    by_address = SignInFailure.source_address == address
    counts = select(func.count().filter(by_name), func.count().filter(by_address)).where(
        or_(by_name, by_address), SignInFailure.failed_at > datetime.now(UTC) - FAILURE_WINDOW
    )
    for_name, for_address = session.execute(counts).one()
    return max(for_name, for_address if address else 0)


def _refuse(session: Session, name: str, address: str | None, reason: str) -> None:
    session.add(SignInFailure(name=name, source_address=address))
    anonymous = Principal(name="unauthenticated", role=None, source_address=address)
    details = {"reason": reason, "name": name, "route": "/sign-in"}
    record(session, anonymous, AuditAction.USER_AUTHENTICATION, outcome=Outcome.MINOR_FAILURE,
           details=details)  # fmt: skip
    session.flush()
