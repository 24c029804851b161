"""`/admin/people`: radiologists created, edited and deactivated, and who is on duty now
(admins only). Changes go through the same service as `/api/v1/radiologists`."""

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from app.api.deps import CurrentUser, SessionDep, SettingsDep
from app.errors import DomainError
from app.people import service as people
from app.people.schemas import RadiologistCreate, RadiologistOut, RadiologistUpdate
from app.people.shift_text import ShiftTextInvalid, parse_shifts, shifts_text
from app.row_ids import RowId
from app.settings import Settings
from app.tasks.board import open_tasks_of
from app.web.people_view import on_duty_board
from app.web.rendering import page

router = APIRouter(include_in_schema=False)

RadiologistId = Annotated[RowId, Path()]
Line = Annotated[str, Form(max_length=2000)]


class RadiologistForm:
    """The fields of the create and edit forms, as FastAPI reads them."""

    def __init__(
        self, name: Annotated[str, Form(min_length=1, max_length=200)],
        pools: Annotated[list[str] | None, Form()] = None, institutions: Line = "",
        cap: Annotated[int, Form(ge=0, le=10_000)] = 20, on_duty: Line = "",
        shifts: Line = "", active: Line = "on",
    ) -> None:  # fmt: skip
        self.name, self.pools, self.institutions = name.strip(), pools or [], institutions
        self.cap, self.on_duty, self.shifts, self.active = cap, on_duty == "on", shifts, active

    def fields(self) -> dict[str, object]:
        """The service's fields; ShiftTextInvalid for a shift line that is not one."""
        return {
            "name": self.name, "subspecialties": self.pools, "max_open_tasks": self.cap,
            "institutions": [i.strip() for i in self.institutions.split(",") if i.strip()],
            "on_duty": self.on_duty, "shift_windows": parse_shifts(self.shifts),
        }  # fmt: skip


Posted = Annotated[RadiologistForm, Depends()]


@router.get("/admin/people")
def radiologists_page(
    request: Request, user: CurrentUser, session: SessionDep, settings: SettingsDep
) -> HTMLResponse:
    return _roster(request, session, settings)


@router.post("/admin/people")
def create_radiologist(
    request: Request, user: CurrentUser, session: SessionDep, settings: SettingsDep,
    form: Posted,
) -> Response:  # fmt: skip
    try:
        created = people.create_radiologist(
            session, user, RadiologistCreate.model_validate(form.fields())
        )
    except (DomainError, ShiftTextInvalid, ValueError) as error:
        session.rollback()
        return _roster(request, session, settings, 422, error=str(error))
    return RedirectResponse(f"/admin/people/{created.id}", status_code=303)


@router.get("/admin/people/{radiologist_id}")
def radiologist_page(
    request: Request, radiologist_id: RadiologistId, user: CurrentUser, session: SessionDep
) -> HTMLResponse:
    return _edit_page(request, session, people.get_radiologist(session, radiologist_id))


@router.post("/admin/people/{radiologist_id}")
def update_radiologist(
    request: Request, radiologist_id: RadiologistId, user: CurrentUser, session: SessionDep,
    form: Posted,
) -> HTMLResponse:  # fmt: skip
    try:
        changes = RadiologistUpdate.model_validate(form.fields() | {"active": form.active == "on"})
        saved = people.update_radiologist(session, user, radiologist_id, changes)
    except (DomainError, ShiftTextInvalid, ValueError) as error:
        session.rollback()
        current = people.get_radiologist(session, radiologist_id)
        return _edit_page(request, session, current, 422, error=str(error))
    return _edit_page(request, session, saved, notice=f"{saved.name} saved.")


def _roster(
    request: Request,
    session: Session,
    settings: Settings,
    status_code: int = 200,
    **context: object,
) -> HTMLResponse:
    roster = people.list_radiologists(session)
    return page(
        request, "radiologists.html", status_code, roster=roster,
        board=on_duty_board(session, settings, roster), pools=_pools(session), **context,
    )  # fmt: skip


def _edit_page(
    request: Request, session: Session, radiologist: RadiologistOut, status_code: int = 200,
    **context: object,
) -> HTMLResponse:  # fmt: skip
    return page(
        request, "radiologist.html", status_code, radiologist=radiologist, pools=_pools(session),
        open_tasks=open_tasks_of(session, radiologist.id),
        shift_lines=shifts_text(radiologist.shift_windows), **context,
    )  # fmt: skip


def _pools(session: Session) -> list[str]:
    return [pool.code for pool in people.list_subspecialties(session)]
