"""The worklist page `/`: tabs, filters and sorting over the same query as `GET /api/v1/tasks`.

Free text searches arrive by POST, so no patient name or id ever sits in a URL or an access log.
"""

from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.api.deps import CurrentUser, SessionDep, SettingsDep
from app.audit.events import AuditAction
from app.audit.service import record
from app.errors import Invalid
from app.people.repository import list_subspecialties
from app.principal import Principal
from app.tasks import worklist
from app.vocabulary import Priority, TaskState
from app.web import worklist_view as view
from app.web.rendering import page
from app.workflow import reads

router = APIRouter(include_in_schema=False)

Narrow = Annotated[str, Query(max_length=32, pattern=r"^[A-Za-z0-9_-]*$")]
FormNarrow = Annotated[str, Form(max_length=32, pattern=r"^[A-Za-z0-9_-]*$")]


@router.get("/")
def worklist_page(
    request: Request, user: CurrentUser, session: SessionDep, tab: view.Tab | None = None,
    sort: Narrow = "urgency", state: Narrow = "", pool: Narrow = "", modality: Narrow = "",
    priority: Narrow = "",
) -> HTMLResponse:  # fmt: skip
    choices = view.Choices(state, pool, modality, priority)
    return _render(request, user, session, tab, sort, choices)


@router.post("/")
def worklist_search(
    request: Request, user: CurrentUser, session: SessionDep,
    q: Annotated[str, Form(max_length=200)] = "", tab: Annotated[view.Tab | None, Form()] = None,
    sort: FormNarrow = "urgency", state: FormNarrow = "", pool: FormNarrow = "",
    modality: FormNarrow = "", priority: FormNarrow = "",
) -> HTMLResponse:  # fmt: skip
    choices = view.Choices(state, pool, modality, priority, q.strip())
    return _render(request, user, session, tab, sort, choices)


@router.post("/next")
def next_case_page(
    request: Request, user: CurrentUser, session: SessionDep, settings: SettingsDep
) -> Response:
    """Claim the most urgent case through the same service as `POST /api/v1/tasks/next`."""
    row = reads.claim_next(session, user, settings)
    if row is None:
        return _render(request, user, session, None, "urgency", view.Choices(), nothing_left=True)
    return RedirectResponse(f"/tasks/{row.id}", status_code=303)


def _render(
    request: Request, user: Principal, session: SessionDep, tab: view.Tab | None, sort: str,
    choices: view.Choices, nothing_left: bool = False,
) -> HTMLResponse:  # fmt: skip
    tabs = view.tabs_for(user)
    tab = tab if tab in tabs else tabs[0]
    _check(sort, choices)
    where = choices.narrow(view.tab_filter(tab, user))
    rows, more = view.page_rows(session, where, sort)
    record(
        session,
        user,
        AuditAction.QUERY,
        object_type="worklist",
        details=_query_of(tab, sort, choices),
    )
    return page(
        request, "worklist.html", tab=tab, tabs=tabs, sort=sort, choices=choices, rows=rows,
        more=more, counts=view.counts(session, user), nothing_left=nothing_left,
        pools=[pool.code for pool in list_subspecialties(session)], modalities=view.MODALITIES,
        states=[state.value for state in view.WORKING_STATES], priorities=list(Priority),
        me=user.radiologist_id,
    )  # fmt: skip


def _check(sort: str, choices: view.Choices) -> None:
    if sort not in worklist.SORT_NAMES:
        raise Invalid(f"sort is one of {', '.join(worklist.SORT_NAMES)}")
    if choices.state and choices.state not in TaskState.__members__:
        raise Invalid("state is one of " + ", ".join(TaskState))
    if choices.priority and choices.priority not in Priority.__members__:
        raise Invalid("priority is one of " + ", ".join(Priority))


def _query_of(tab: view.Tab, sort: str, choices: view.Choices) -> dict[str, object]:
    """What was asked, for the audit trail; whether text was searched, never the text."""
    narrowed = {key: value for key, value in asdict(choices).items() if value and key != "text"}
    return {"tab": tab.value, "sort": sort, **narrowed, "text_search": bool(choices.text)}
