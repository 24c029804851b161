"""The case page `/tasks/{id}`: the study, the routing, the history and the report form.

Every action goes through the same services as the JSON routes, with the version the page was
rendered at; when someone moved first the page says who and keeps what was typed.
"""

from typing import Annotated

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from app.api.deps import CurrentUser, SessionDep, SettingsDep
from app.audit.events import AuditAction
from app.audit.service import record
from app.errors import Conflict, DomainError, Invalid
from app.principal import Principal
from app.routing import returns
from app.row_ids import RowId, RowVersion
from app.settings import Settings
from app.tasks.detail import task_detail
from app.tasks.reports import ReportText
from app.tasks.state_machine import Action
from app.vocabulary import Radpeer
from app.web import case_view
from app.web.case_view import Typed
from app.web.rendering import page
from app.workflow import reads, reports

router = APIRouter(include_in_schema=False)

TaskId = Annotated[RowId, Path()]
Long = Annotated[str, Form(max_length=100_000)]
HEARTBEAT_SHARE = 3  # renew the lease three times per lease period


@router.get("/tasks/{task_id}")
def case_page(
    request: Request, task_id: TaskId, user: CurrentUser, session: SessionDep, settings: SettingsDep
) -> HTMLResponse:
    return _render(request, session, settings, user, task_id, None, None)


@router.post("/tasks/{task_id}")
def case_action(
    request: Request, task_id: TaskId, user: CurrentUser, session: SessionDep,
    settings: SettingsDep, action: Annotated[Action, Form()],
    version: Annotated[RowVersion, Form()],
    findings: Long = "", impression: Long = "", critical: Annotated[bool, Form()] = False,
    radpeer: Annotated[str, Form(max_length=4)] = "", radpeer_comment: Long = "",
    concordance: Annotated[str, Form(max_length=24)] = "",
) -> Response:  # fmt: skip
    typed = Typed(findings, impression, critical, radpeer, radpeer_comment, concordance)
    try:
        _act(session, settings, user, task_id, action, version, typed)
    except DomainError as error:
        session.rollback()
        return _render(request, session, settings, user, task_id, typed, error)
    target = "/" if action is Action.RELEASE else f"/tasks/{task_id}"
    return RedirectResponse(target, status_code=303)


def _act(
    session: Session, settings: Settings, user: Principal, task_id: int, action: Action,
    version: int, typed: Typed,
) -> None:  # fmt: skip
    text = ReportText(findings=typed.findings, impression=typed.impression, critical=typed.critical)
    if action is Action.CLAIM:
        reads.claim(session, user, settings, task_id, version)
    elif action is Action.RELEASE:
        returns.release(session, user, settings, task_id, version)
    elif action is Action.PRELIMINARY:
        reports.preliminary(session, user, settings, task_id, version, text)
    elif action is Action.FINALIZE:
        score = Radpeer(typed.radpeer) if typed.radpeer else None
        comment = typed.radpeer_comment or None
        agreement = case_view.concordance_of(typed)
        reports.finalize(session, user, settings, task_id, version, text, score, comment, agreement)
    elif action is Action.ADDENDUM:
        reports.addendum(session, user, settings, task_id, version, text)
    else:
        raise Invalid(f"{action.value} is not taken from this page")


def _render(
    request: Request, session: Session, settings: Settings, user: Principal, task_id: int,
    typed: Typed | None, error: DomainError | None,
) -> HTMLResponse:  # fmt: skip
    detail = task_detail(session, user, task_id)
    record(session, user, AuditAction.PATIENT_RECORD, object_type="reading_task", object_id=task_id)
    mine = detail.state == "IN_PROGRESS" and detail.assignee_id == user.radiologist_id
    conflict = case_view.moved_first(detail) if isinstance(error, Conflict) else None
    return page(
        request, "case.html", 409 if conflict else (422 if error else 200), detail=detail,
        buttons=case_view.buttons(detail), typed=typed or case_view.typed_or_saved(detail),
        conflict=conflict, error=None if conflict else error,
        primary=case_view.primary_report(detail), radpeer_words=case_view.RADPEER_WORDS,
        concordance_words=case_view.CONCORDANCE_WORDS,
        viewer=case_view.viewer_link(settings.viewer_url, detail), heartbeat=mine,
        heartbeat_seconds=max(10, int(settings.task_lease / HEARTBEAT_SHARE)),
    )  # fmt: skip
