"""API tokens, people who sign in, their sessions: only hashes of secrets are stored."""

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Identity, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, check_in
from app.vocabulary import Role, values

SIGN_IN_ROLES = (Role.ADMIN.value, Role.RADIOLOGIST.value)


class ApiToken(Base):
    __tablename__ = "api_tokens"
    __table_args__ = (
        CheckConstraint(check_in("role", values(Role)), name="known_role"),
        CheckConstraint(
            "role <> 'radiologist' OR radiologist_id IS NOT NULL", name="radiologist_linked"
        ),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    role: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    token_prefix: Mapped[str] = mapped_column(String(16))
    radiologist_id: Mapped[int | None] = mapped_column(ForeignKey("radiologists.id"))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    expires_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]


class User(Base):
    """A person who signs in to the pages with a name and password."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(check_in("role", SIGN_IN_ROLES), name="known_role"),
        CheckConstraint(
            "role <> 'radiologist' OR radiologist_id IS NOT NULL", name="radiologist_linked"
        ),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    name: Mapped[str] = mapped_column(Text, unique=True)
    role: Mapped[str] = mapped_column(String(16))
    radiologist_id: Mapped[int | None] = mapped_column(ForeignKey("radiologists.id"))
    active: Mapped[bool] = mapped_column(server_default="true")
    password_hash: Mapped[str | None] = mapped_column(Text)
    # The one-time set-password link: only its hash is kept, like a token's.
    link_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    link_expires_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now(), onupdate=func.now())

    @property
    def has_password(self) -> bool:
        return self.password_hash is not None


class WebSession(Base):
    """A signed-in browser: the cookie holds a secret whose hash is `token_hash`."""

    __tablename__ = "web_sessions"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    source_address: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    last_seen_at: Mapped[datetime] = mapped_column(server_default=func.now())
    ended_at: Mapped[datetime | None]


class SignInFailure(Base):
    """A failed sign-in, counted per name and per address to slow guessing."""

    __tablename__ = "sign_in_failures"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    name: Mapped[str] = mapped_column(Text, index=True)
    source_address: Mapped[str | None] = mapped_column(Text, index=True)
    failed_at: Mapped[datetime] = mapped_column(server_default=func.now(), index=True)
