"""People who sign in to the pages: created, reset and deactivated by admins (see access.py)."""

from typing import Annotated

from fastapi import APIRouter, Path, status

from app.api.deps import CurrentUser, SessionDep, SettingsDep
from app.auth import accounts
from app.auth.accounts import IssuedLink
from app.auth.schemas import UserCreate, UserOut, UserPatch, UserWithLink
from app.row_ids import RowId
from app.settings import Settings
from app.vocabulary import Role

router = APIRouter(prefix="/api/v1/users", tags=["users"])

UserId = Annotated[RowId, Path()]


@router.get("", summary="List sign-in accounts")
def list_users(session: SessionDep, _: CurrentUser) -> list[UserOut]:
    """Every account that may sign in to the pages, active or not. Changes nothing."""
    return [UserOut.model_validate(user) for user in accounts.list_users(session)]


@router.post("", status_code=status.HTTP_201_CREATED, summary="Create a sign-in account")
def create_user(
    body: UserCreate, session: SessionDep, user: CurrentUser, settings: SettingsDep
) -> UserWithLink:
    """Create an account; the answer holds its one-time set-password link (valid 24 h), shown
    only this once. Audited. `409` for a name taken, `422` for a radiologist id that does not
    exist."""
    issued = accounts.create_user(
        session, user, name=body.name, role=Role(body.role), radiologist_id=body.radiologist_id
    )
    return _with_link(issued, settings)


@router.post("/{user_id}/reset", summary="Reset an account's password")
def reset_user(
    user_id: UserId, session: SessionDep, user: CurrentUser, settings: SettingsDep
) -> UserWithLink:
    """A new one-time link; the old password stops working and the person's sessions end.
    Audited. `404` for an unknown account."""
    return _with_link(accounts.reset(session, user, user_id), settings)


@router.patch("/{user_id}", summary="Deactivate or reactivate an account")
def update_user(
    user_id: UserId, body: UserPatch, session: SessionDep, user: CurrentUser
) -> UserOut:
    """Deactivate (ending every session at once) or reactivate an account; nobody is deleted.
    Audited. `404` for an unknown account."""
    return UserOut.model_validate(accounts.set_active(session, user, user_id, body.active))


def _with_link(issued: IssuedLink, settings: Settings) -> UserWithLink:
    shown = UserOut.model_validate(issued.user).model_dump()
    return UserWithLink(**shown, set_password_link=settings.pages_url + issued.path)
