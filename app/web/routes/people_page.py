"""`/admin/users`: who may sign in, and new accounts with their one-time link (admins only)."""

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse

from app.api.deps import CurrentUser, SessionDep, SettingsDep
from app.auth import accounts
from app.auth.schemas import SignInRole
from app.errors import DomainError
from app.row_ids import RowId
from app.vocabulary import Role
from app.web.rendering import page

router = APIRouter(include_in_schema=False)


@router.get("/admin/users")
def people_page(request: Request, user: CurrentUser, session: SessionDep) -> HTMLResponse:
    return page(request, "people.html", users=accounts.list_users(session), roles=list(SignInRole))


@router.post("/admin/users")
def create_person(
    request: Request, user: CurrentUser, session: SessionDep, settings: SettingsDep,
    name: Annotated[str, Form(min_length=1, max_length=200)], role: Annotated[SignInRole, Form()],
    radiologist_id: Annotated[RowId | None, Form()] = None,
) -> HTMLResponse:  # fmt: skip
    """Create an account; its one-time link is on this answer only."""
    try:
        issued = accounts.create_user(
            session, user, name=name.strip(), role=Role(role), radiologist_id=radiologist_id
        )
    except DomainError as error:
        session.rollback()
        return page(request, "people.html", 422, users=accounts.list_users(session),
                    roles=list(SignInRole), error=str(error))  # fmt: skip
    return page(
        request, "people.html", 201, users=accounts.list_users(session), roles=list(SignInRole),
        created=issued.user.name, link=settings.pages_url + issued.path,
    )  # fmt: skip
