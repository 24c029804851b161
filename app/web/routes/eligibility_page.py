"""`/admin/tasks/{id}/eligibility`: every radiologist, eligible or not and why, whom the engine
would choose, and a reassign through the same service as `POST /api/v1/tasks/{id}/reassign`."""

from typing import Annotated

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from app.api.deps import CurrentUser, SessionDep, SettingsDep
from app.errors import DomainError
from app.routing.assigner import explain
from app.row_ids import RowId, RowVersion
from app.settings import Settings
from app.tasks import repository as tasks
from app.tasks import service
from app.web.rendering import page

router = APIRouter(include_in_schema=False)

TaskId = Annotated[RowId, Path()]


@router.get("/admin/tasks/{task_id}/eligibility")
def eligibility_page(
    request: Request, task_id: TaskId, user: CurrentUser, session: SessionDep,
    settings: SettingsDep,
) -> HTMLResponse:  # fmt: skip
    return _page(request, session, settings, task_id)


@router.post("/admin/tasks/{task_id}/eligibility")
def reassign(
    request: Request, task_id: TaskId, user: CurrentUser, session: SessionDep,
    settings: SettingsDep, version: Annotated[RowVersion, Form()],
    radiologist_id: Annotated[RowId, Form()],
) -> HTMLResponse:  # fmt: skip
    """Give the task to `radiologist_id`, if the task is still at `version`."""
    try:
        service.assign(session, user, task_id, version, radiologist_id)
    except DomainError as error:
        session.rollback()
        return _page(request, session, settings, task_id, 409, error=str(error))
    eligibility = explain(session, settings, task_id)
    name = next(r.name for r in eligibility.radiologists if r.id == radiologist_id)
    return _page(request, session, settings, task_id, notice=f"Task {task_id} assigned to {name}.")


def _page(
    request: Request, session: Session, settings: Settings, task_id: int, status_code: int = 200,
    **context: object,
) -> HTMLResponse:  # fmt: skip
    eligibility = explain(session, settings, task_id)
    task = tasks.get(session, task_id)
    names = {reader.id: reader.name for reader in eligibility.radiologists}
    return page(
        request, "eligibility.html", status_code, eligibility=eligibility, names=names,
        version=task.version if task else None, **context,
    )  # fmt: skip
