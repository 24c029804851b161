"""API tokens as the admin API shows them: never the secret, except once at creation."""

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from app.request_body import RequestBody
from app.row_ids import RowId
from app.vocabulary import Role

# Printable text without control characters: names end up in audit rows and terminals.
PLAIN_TEXT = r"^[^\x00-\x1f\x7f]+$"


class TokenOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    role: Role
    token_prefix: str = Field(description="The first characters, to recognise the token")
    radiologist_id: int | None
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None


class TokenPage(BaseModel):
    tokens: list[TokenOut]
    next_cursor: int | None


class TokenCreate(RequestBody):
    name: str = Field(min_length=1, max_length=200, pattern=PLAIN_TEXT)
    role: Role
    radiologist_id: RowId | None = None
    expires_in_days: int | None = Field(default=None, ge=1, le=3650)


class TokenCreated(TokenOut):
    token: str = Field(description="The bearer token itself: shown only in this response")


class SignInRole(StrEnum):
    ADMIN = Role.ADMIN.value
    RADIOLOGIST = Role.RADIOLOGIST.value


class UserCreate(RequestBody):
    name: str = Field(min_length=1, max_length=200, pattern=PLAIN_TEXT)
    role: SignInRole
    radiologist_id: RowId | None = None


class UserPatch(RequestBody):
    active: bool


class UserOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    role: Role
    radiologist_id: int | None
    active: bool
    has_password: bool
    link_expires_at: datetime | None
    created_at: datetime


class UserWithLink(UserOut):
    set_password_link: str = Field(description="One-time, valid 24 h: shown only in this response")
