"""The reading worklist: lists clients poll, task detail, next case and every transition."""

from dataclasses import replace
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.responses import JSONResponse

from app.api.deps import CurrentUser, SessionDep, SettingsDep
from app.api.openapi import TRANSITION_ERRORS
from app.audit.events import AuditAction
from app.audit.service import record
from app.errors import Invalid
from app.principal import Principal
from app.routing import returns
from app.row_ids import RowId
from app.tasks import service, worklist
from app.tasks.detail import TaskDetail, task_detail
from app.tasks.errors import TaskNotFound
from app.tasks.reports import ReportText
from app.tasks.schemas import (
    AssignIn,
    CancelIn,
    FinalizeIn,
    HeartbeatIn,
    ReportIn,
    TaskItem,
    TaskPage,
    VersionIn,
)
from app.vocabulary import Priority, Role, TaskKind, TaskState
from app.workflow import reads, reports

router = APIRouter(prefix="/api/v1/tasks", tags=["tasks"])

TaskId = Annotated[RowId, Path(description="the reading task id")]
Several = Annotated[list[str] | None, Query()]


@router.get("", response_model=TaskPage, summary="Poll a worklist")
def list_tasks(
    request: Request,
    user: CurrentUser,
    session: SessionDep,
    state: Annotated[list[TaskState] | None, Query()] = None,
    subspecialty: Several = None,
    priority: Annotated[list[Priority] | None, Query()] = None,
    kind: Annotated[list[TaskKind] | None, Query()] = None,
    assignee: Annotated[str | None, Query(description="`me`, `none` or a radiologist id")] = None,
    modality: str | None = None,
    region: str | None = None,
    institution: str | None = None,
    overdue: bool | None = None,
    q: Annotated[str | None, Query(description="patient id, accession or description")] = None,
    sort: Annotated[str, Query(description=", ".join(worklist.SORT_NAMES))] = "urgency",
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> Response:
    """Worklist rows, most urgent first by default, a page at a time (`next_cursor`).

    Send `If-None-Match` with the last `ETag` to get `304` (no body) when nothing moved. A
    radiologist sees their own tasks and their pools'. Changes nothing but the audit trail;
    `422` for an unknown `sort`, `assignee` or filter value.
    """
    if sort not in worklist.SORT_NAMES:
        raise Invalid(f"sort is one of {worklist.SORT_NAMES}")
    where = worklist.WorklistFilter(
        states=state or (),
        subspecialties=subspecialty or (),
        priorities=priority or (),
        kinds=kind or (),
        modality=modality,
        region=region,
        institution=institution,
        overdue=overdue,
        text=q,
        visible_to_radiologist=user.radiologist_id if user.role is Role.RADIOLOGIST else None,
    )
    where = _with_assignee(where, assignee, user)
    etag = worklist.fingerprint(session, where, f"{user.radiologist_id}?{request.url.query}")
    if etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers={"ETag": etag})
    rows, next_cursor = worklist.page(session, where, sort, cursor, limit)
    record(session, user, AuditAction.QUERY, object_type="worklist", details=_query_of(request))
    body = TaskPage(items=[TaskItem.from_row(row) for row in rows], next_cursor=next_cursor)
    return JSONResponse(body.model_dump(mode="json"), headers={"ETag": etag})


@router.post(
    "/next",
    response_model=TaskItem,
    summary="Claim the next case",
    responses={204: {"description": "Nothing left for the caller to read"}},
)
def next_task(user: CurrentUser, session: SessionDep, settings: SettingsDep) -> Response:
    """Claim the most urgent task the caller may read, or `204` when there is none.

    Their own assigned tasks first, then their pools' (STAT, URGENT, ROUTINE, then due time).
    The task becomes IN_PROGRESS under a lease that `heartbeat` renews. No body.
    """
    row = reads.claim_next(session, user, settings)
    if row is None:
        return Response(status_code=204)
    return JSONResponse(TaskItem.from_row(row).model_dump(mode="json"))


@router.get(
    "/{task_id}",
    summary="Open a task",
    responses={
        403: {"description": "A radiologist asked for a task neither theirs nor their pools'"},
        404: {"description": "No task with this id"},
    },
)
def read_task(task_id: TaskId, user: CurrentUser, session: SessionDep) -> TaskDetail:
    """The study with its series, routing reasons, history, reports, linked second opinions,
    priors, and `allowed_actions`: what the caller may do now (the buttons to show).

    Changes nothing but the audit trail.
    """
    detail = task_detail(session, user, task_id)
    record(session, user, AuditAction.PATIENT_RECORD, object_type="reading_task", object_id=task_id)
    return detail


@router.post("/{task_id}/claim", summary="Claim a task", responses=TRANSITION_ERRORS)
def claim(
    task_id: TaskId, body: VersionIn, user: CurrentUser, session: SessionDep, settings: SettingsDep
) -> TaskItem:
    """Start reading: an UNASSIGNED task of the caller's pools or one ASSIGNED to them becomes
    IN_PROGRESS under a lease (`WORKLIST_TASK_LEASE`) that `heartbeat` renews."""
    reads.claim(session, user, settings, task_id, body.version)
    return _item(session, task_id)


@router.post("/{task_id}/heartbeat", summary="Renew the lease", responses=TRANSITION_ERRORS)
def heartbeat(
    task_id: TaskId,
    user: CurrentUser,
    session: SessionDep,
    settings: SettingsDep,
    body: HeartbeatIn | None = None,
) -> TaskItem:
    """Renew the caller's lease on a task they are reading; the version stays the same.

    The body is optional; with a `version`, a stale one gets `409`.
    """
    version = body.version if body else None
    service.heartbeat(session, user, task_id, version, settings.task_lease)
    return _item(session, task_id)


@router.post("/{task_id}/release", summary="Hand a task back", responses=TRANSITION_ERRORS)
def release(
    task_id: TaskId, body: VersionIn, user: CurrentUser, session: SessionDep, settings: SettingsDep
) -> TaskItem:
    """Back to where it was claimed from (the pool, or ASSIGNED to the caller); `next` skips
    it for the caller for `WORKLIST_SKIP_COOLDOWN` seconds. A task back in its pool is routed
    afresh by the current rules."""
    returns.release(session, user, settings, task_id, body.version)
    return _item(session, task_id)


@router.post(
    "/{task_id}/preliminary", summary="Save a preliminary report", responses=TRANSITION_ERRORS
)
def preliminary(
    task_id: TaskId, body: ReportIn, user: CurrentUser, session: SessionDep, settings: SettingsDep
) -> TaskItem:
    """A preliminary report (it may be partial); the task becomes PRELIMINARY and its lease
    ends, and it is sent to every HL7 destination. Only the owner, from IN_PROGRESS."""
    reports.preliminary(session, user, settings, task_id, body.version, _text(body))
    return _item(session, task_id)


@router.post("/{task_id}/finalize", summary="Sign the final report", responses=TRANSITION_ERRORS)
def finalize_task(
    task_id: TaskId, body: FinalizeIn, user: CurrentUser, session: SessionDep, settings: SettingsDep
) -> TaskItem:
    """Sign the final report: it needs a non-blank `impression` (`422` naming it otherwise).

    Only the owner, from IN_PROGRESS or PRELIMINARY; the task becomes FINAL. A second opinion
    also needs `radpeer`; the task of a second-opinion request sent with an outside report needs
    `concordance`. A routing rule asking for a second opinion creates it now.
    """
    score = body.radpeer, body.radpeer_comment, body.concordance
    reports.finalize(session, user, settings, task_id, body.version, _text(body), *score)
    return _item(session, task_id)


@router.post("/{task_id}/addendum", summary="Add an addendum", responses=TRANSITION_ERRORS)
def addendum(
    task_id: TaskId, body: ReportIn, user: CurrentUser, session: SessionDep, settings: SettingsDep
) -> TaskItem:
    """Append an addendum to a FINAL or ADDENDED task; it needs text in `findings` or
    `impression`. The final report stays as it was; the addendum is sent to every HL7
    destination. Only the owner."""
    reports.addendum(session, user, settings, task_id, body.version, _text(body))
    return _item(session, task_id)


@router.post("/{task_id}/assign", summary="Assign a task", responses=TRANSITION_ERRORS)
@router.post("/{task_id}/reassign", summary="Reassign a task", responses=TRANSITION_ERRORS)
def assign(task_id: TaskId, body: AssignIn, user: CurrentUser, session: SessionDep) -> TaskItem:
    """Give the task to a radiologist (`assign` from the pool, `reassign` from someone else).

    The task becomes ASSIGNED to `radiologist_id`; a claim in progress ends. `422` for an
    inactive radiologist or the primary reader of a second opinion.
    """
    service.assign(session, user, task_id, body.version, body.radiologist_id)
    return _item(session, task_id)


@router.post(
    "/{task_id}/unassign", summary="Return a task to its pool", responses=TRANSITION_ERRORS
)
def unassign(
    task_id: TaskId, body: VersionIn, user: CurrentUser, session: SessionDep, settings: SettingsDep
) -> TaskItem:
    """An ASSIGNED or IN_PROGRESS task goes back UNASSIGNED, routed afresh by the current rules."""
    returns.unassign(session, user, settings, task_id, body.version)
    return _item(session, task_id)


@router.post("/{task_id}/cancel", summary="Cancel a task", responses=TRANSITION_ERRORS)
def cancel(task_id: TaskId, body: CancelIn, user: CurrentUser, session: SessionDep) -> TaskItem:
    """An open task becomes CANCELLED, with the `reason` in its history."""
    service.cancel(session, user, task_id, body.version, body.reason)
    return _item(session, task_id)


def _item(session: SessionDep, task_id: int) -> TaskItem:
    row = worklist.item(session, task_id)
    if row is None:
        raise TaskNotFound(task_id)
    return TaskItem.from_row(row)


def _text(body: ReportIn) -> ReportText:
    return ReportText(findings=body.findings, impression=body.impression, critical=body.critical)


def _with_assignee(
    where: worklist.WorklistFilter, assignee: str | None, user: Principal
) -> worklist.WorklistFilter:
    if assignee is None:
        return where
    if assignee == "none":
        return replace(where, unassigned_only=True)
    if assignee == "me":
        if user.radiologist_id is None:
            raise Invalid("assignee=me needs a radiologist token")
        return replace(where, assignee_id=user.radiologist_id)
    if assignee.isdigit():
        return replace(where, assignee_id=int(assignee))
    raise Invalid("assignee is `me`, `none` or a radiologist id")


def _query_of(request: Request) -> dict[str, list[str]]:
    params = request.query_params
    return {"query": [f"{key}={value}" for key, value in params.multi_items()]}
