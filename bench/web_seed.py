"""Signed-in people for the page bench: an account and an open session per seeded radiologist."""

import secrets
from dataclasses import dataclass

from sqlalchemy import select

from app.auth.models import ApiToken, User, WebSession
from app.auth.passwords import hash_password
from app.auth.tokens import generate_token, hash_token
from app.db.session import session_scope


@dataclass(frozen=True, slots=True)
class SignedIn:
    cookie: str  # the session cookie's value
    csrf: str
    token: str  # the same radiologist's API token, for the JSON list beside the page


def sign_everyone_in(database_url: str, tokens: list[str]) -> list[SignedIn]:
    """One account and session per token's radiologist, written directly: hashing a password
    per account (Argon2id is slow on purpose) would only lengthen the seeding."""
    shared_hash = hash_password(secrets.token_urlsafe(24))
    people = []
    with session_scope(database_url) as session:
        for token in tokens:
            row = session.scalars(
                select(ApiToken).where(ApiToken.token_hash == hash_token(token))
            ).one()
            user = User(name=row.name, role=row.role, radiologist_id=row.radiologist_id,
                        password_hash=shared_hash)  # fmt: skip
            session.add(user)
            session.flush()
            cookie, csrf = generate_token(), secrets.token_urlsafe(32)
            session.add(WebSession(user_id=user.id, token_hash=hash_token(cookie), csrf_token=csrf))
            people.append(SignedIn(cookie, csrf, token))
    return people
