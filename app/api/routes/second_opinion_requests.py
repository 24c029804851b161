"""Second-opinion requests from outside: submitted by a portal, followed to the signed report."""

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response

from app.api.deps import CurrentUser, SessionDep, SettingsDep
from app.api.limits import IdCursor
from app.audit.events import AuditAction
from app.audit.service import record
from app.errors import Conflict, NotFound
from app.principal import Principal
from app.row_ids import RowId
from app.second_opinions import repository
from app.second_opinions.models import SecondOpinionRequest
from app.second_opinions.report_pdf import report_pdf
from app.second_opinions.repository import RequestFilter
from app.second_opinions.schemas import (
    SecondOpinionRequestIn,
    SecondOpinionRequestList,
    SecondOpinionRequestView,
)
from app.vocabulary import RequestStatus
from app.workflow.request_views import request_view
from app.workflow.second_opinion_requests import submit_request

router = APIRouter(prefix="/api/v1/second-opinion-requests", tags=["second-opinion requests"])

RequestId = Annotated[RowId, Path()]
PDF = "application/pdf"


@router.post(
    "",
    status_code=201,
    summary="Request a second opinion on an outside study",
    responses={409: {"description": "A reader has taken the study, or it has an open request"}},
)
def create_request(
    body: SecondOpinionRequestIn, user: CurrentUser, session: SessionDep, settings: SettingsDep
) -> SecondOpinionRequestView:
    """Ask for a subspecialist's report on a study sent by upload, STOW-RS or C-STORE, or still
    to come (`waiting for images` until it arrives).

    The study is classified and routed by the rules with this clinical question, to the wanted
    `subspecialty` when one is given, due within the `service_level`. `422` naming the field for
    a bad or unknown value; `409` when a reader has already taken the study, or the study has a
    request not yet answered.
    """
    request = submit_request(session, user, settings, body)
    return request_view(session, request)


@router.get("", summary="List second-opinion requests")
def list_requests(
    user: CurrentUser,
    session: SessionDep,
    status: RequestStatus | None = None,
    organisation: Annotated[str | None, Query(max_length=200)] = None,
    study_instance_uid: Annotated[str | None, Query(max_length=64)] = None,
    cursor: IdCursor = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> SecondOpinionRequestList:
    """Newest first, filtered by status, requesting organisation or study; follow
    `next_cursor` for older ones. Audited as a query."""
    where = RequestFilter(status and status.value, organisation, study_instance_uid)
    found = repository.listed(session, where, cursor, limit)
    record(session, user, AuditAction.QUERY, object_type="second_opinion_requests",
           details={"returned": len(found)})  # fmt: skip
    return SecondOpinionRequestList(
        items=[request_view(session, request) for request in found],
        next_cursor=found[-1].id if len(found) == limit else None,
    )


@router.get("/{request_id}", summary="Read a second-opinion request")
def read_request(
    request_id: RequestId, user: CurrentUser, session: SessionDep
) -> SecondOpinionRequestView:
    """Its status (`waiting for images`, `received`, `in review`, `final`), due time and, once
    final, the report: findings, impression, the reader's name and subspecialty, and its
    concordance with the outside report. Audited; `404` for an unknown id."""
    return request_view(session, _read(session, user, request_id))


@router.get(
    "/{request_id}/report.pdf",
    summary="Download the final report as PDF",
    response_class=Response,
    responses={
        200: {"content": {PDF: {"example": "%PDF-1.3 ..."}}, "description": "The signed report"},
        409: {"description": "The request is not final yet"},
    },
)
def read_report_pdf(request_id: RequestId, user: CurrentUser, session: SessionDep) -> Response:
    """The final report as a PDF; `409` until the request is final, `404` for an unknown id."""
    view = request_view(session, _read(session, user, request_id))
    if view.report is None:
        raise Conflict(f"second-opinion request {request_id} is {view.status.value}, not final")
    filename = f"second-opinion-{request_id}.pdf"
    return Response(
        report_pdf(view, view.report),
        media_type=PDF,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _read(session: SessionDep, user: Principal, request_id: int) -> SecondOpinionRequest:
    request = repository.get(session, request_id)
    if request is None:
        raise NotFound(f"no second-opinion request {request_id}")
    record(session, user, AuditAction.PATIENT_RECORD, object_type="second_opinion_request",
           object_id=request_id)  # fmt: skip
    return request
