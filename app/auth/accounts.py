"""People who sign in to the pages: created with a one-time link to set their password."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.audit.events import AuditAction
from app.audit.service import record
from app.auth.errors import LinkNotValid, UnknownRadiologist, UserNameTaken, UserNotFound
from app.auth.models import User, WebSession
from app.auth.passwords import check_policy, hash_password
from app.auth.tokens import generate_token, hash_token
from app.db.key_locks import take_turns
from app.people.models import Radiologist
from app.principal import Principal
from app.vocabulary import Role

LINK_LIFETIME = timedelta(hours=24)
SET_PASSWORD_PATH = "/set-password/"


@dataclass(frozen=True, slots=True)
class IssuedLink:
    """A user and the path of their one-time set-password link (shown once)."""

    user: User
    path: str


def create_user(
    session: Session, by: Principal, *, name: str, role: Role, radiologist_id: int | None = None
) -> IssuedLink:
    if role not in (Role.ADMIN, Role.RADIOLOGIST):
        raise UnknownRadiologist("people sign in as admin or radiologist; programs use tokens")
    if role is Role.RADIOLOGIST and radiologist_id is None:
        raise UnknownRadiologist("a radiologist's account needs a radiologist id")
    if radiologist_id is not None and session.get(Radiologist, radiologist_id) is None:
        raise UnknownRadiologist(f"no radiologist with id {radiologist_id}")
    take_turns(session, "user", name)
    if session.scalar(select(User.id).where(User.name == name)) is not None:
        raise UserNameTaken(f"someone already signs in as {name!r}")
    user = User(name=name, role=role.value, radiologist_id=radiologist_id)
    session.add(user)
    session.flush()
    return _new_link(session, by, user, "account created")


def reset(session: Session, by: Principal, user_id: int) -> IssuedLink:
    """A new one-time link; the old password stops working and every session ends."""
    user = get_user(session, user_id, for_update=True)
    user.password_hash = None
    end_sessions_of(session, user.id)
    return _new_link(session, by, user, "password reset")


def set_active(session: Session, by: Principal, user_id: int, active: bool) -> User:
    """Deactivating a person ends their sessions at once; nobody is deleted."""
    user = get_user(session, user_id, for_update=True)
    if user.active != active:
        user.active = active
        if not active:
            end_sessions_of(session, user.id)
        session.flush()
        _audit(session, by, user, "account activated" if active else "account deactivated")
    return user


def set_password(session: Session, secret: str, password: str) -> User:
    """Use a one-time link: the password is checked, hashed and the link is spent."""
    user = user_of_link(session, secret, for_update=True)
    check_policy(password, user.name)
    user.password_hash = hash_password(password)
    user.link_hash = user.link_expires_at = None
    session.flush()
    _audit(session, Principal(name=user.name, role=None, user_id=user.id), user, "password set")
    return user


def user_of_link(session: Session, secret: str, *, for_update: bool = False) -> User:
    query = select(User).where(User.link_hash == hash_token(secret))
    user = session.scalars(query.with_for_update() if for_update else query).one_or_none()
    if user is None or user.link_expires_at is None or user.link_expires_at <= datetime.now(UTC):
        raise LinkNotValid("this link was used already or is more than a day old: ask an admin")
    if not user.active:
        raise LinkNotValid("this account is deactivated")
    return user


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.name)))


def get_user(session: Session, user_id: int, *, for_update: bool = False) -> User:
    user = session.get(User, user_id, with_for_update=for_update)
    if user is None:
        raise UserNotFound(f"no user with id {user_id}")
    return user


def end_sessions_of(session: Session, user_id: int) -> None:
    ended = update(WebSession).where(WebSession.user_id == user_id, WebSession.ended_at.is_(None))
    session.execute(ended.values(ended_at=datetime.now(UTC)))


def _new_link(session: Session, by: Principal, user: User, change: str) -> IssuedLink:
    secret = generate_token()
    user.link_hash = hash_token(secret)
    user.link_expires_at = datetime.now(UTC) + LINK_LIFETIME
    session.flush()
    _audit(session, by, user, change)
    return IssuedLink(user=user, path=SET_PASSWORD_PATH + secret)


def _audit(session: Session, by: Principal, user: User, change: str) -> None:
    # PS3.15 A.5.3.11: a change to who may use the system is a Security Alert.
    details = {"change": change, "name": user.name, "role": user.role}
    record(
        session, by, AuditAction.SECURITY_ALERT, object_type="user", object_id=user.id,
        details=details,
    )  # fmt: skip
