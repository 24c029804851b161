"""FHIR R4 at the edge: orders in as ServiceRequest; reports and reading tasks out.

Bodies are `application/fhir+json`; an invalid resource is answered with an OperationOutcome.
"""

import json
from typing import Annotated, Any

from anyio.to_thread import run_sync
from fastapi import APIRouter, Query, Request, Response
from sqlalchemy.orm import Session

from app.api.deps import CurrentUser, SessionDep, SettingsDep
from app.api.examples import (
    FHIR_DIAGNOSTIC_REPORT,
    FHIR_SERVICE_REQUEST,
    FHIR_TASK,
    OPERATION_OUTCOME,
    search_set,
)
from app.audit.events import AuditAction
from app.audit.service import record
from app.fhir.outcomes import FHIR_JSON, ResourceInvalid, operation_outcome
from app.fhir.reading import diagnostic_report, reading_task, search_bundle
from app.fhir.reads import read_tasks
from app.fhir.service_requests import order_of, parse_service_request
from app.orders.records import ReceivedOrder
from app.orders.repository import order_by_id
from app.principal import Principal
from app.settings import Settings
from app.workflow.orders import receive_order

router = APIRouter(prefix="/fhir", tags=["fhir"])

ACCEPTED_TYPES = (FHIR_JSON, "application/json")


def _documented(answer: dict[str, Any], *statuses: int) -> dict[int | str, dict[str, Any]]:
    """The statuses a route answers with a FHIR resource: `answer` on success, an
    OperationOutcome for errors."""

    def body(status: int) -> dict[str, Any]:
        example = answer if status < 400 else OPERATION_OUTCOME
        return {"content": {FHIR_JSON: {"schema": {"type": "object"}, "example": example}}}

    return {status: {"description": "A FHIR resource", **body(status)} for status in statuses}


def _fhir(body: str, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(body, status_code=status, media_type=FHIR_JSON, headers=headers)


def _outcome(status: int, problems: list[tuple[str, str]], code: str = "invalid") -> Response:
    return _fhir(operation_outcome(problems, code), status)


@router.post(
    "/ServiceRequest",
    status_code=201,
    response_class=Response,
    summary="Receive an order as a FHIR ServiceRequest",
    responses=_documented(FHIR_SERVICE_REQUEST, 201, 400, 415, 422),
)
async def create_service_request(
    request: Request, user: CurrentUser, session: SessionDep, settings: SettingsDep
) -> Response:
    """An order (identifier of type ACSN = accession number), stored and matched to its study
    like an HL7 order; its reason, priority and encounter class feed routing. Answers the
    resource with its id. `400` unreadable, `415` not FHIR JSON, `422` unusable (an
    OperationOutcome says where)."""
    return await _store(request, user, session, settings, None)


@router.put(
    "/ServiceRequest/{order_id}",
    response_class=Response,
    summary="Change or cancel an order sent as a FHIR ServiceRequest",
    responses=_documented(FHIR_SERVICE_REQUEST, 200, 400, 415, 422),
)
async def update_service_request(
    order_id: str, request: Request, user: CurrentUser, session: SessionDep, settings: SettingsDep
) -> Response:
    """A changed order, routed again while nobody has claimed its task; status `revoked` or
    `entered-in-error` cancels it and its open tasks (audited). The resource's `id` must be the
    URL's (`400`), an order's (`404`; a new order is sent with POST), and its accession number
    that order's (`422`). Other errors as for POST."""
    return await _store(request, user, session, settings, order_id)


async def _store(
    request: Request, user: Principal, session: Session, settings: Settings, path_id: str | None
) -> Response:
    content_type = request.headers.get("content-type", "").split(";")[0].strip()
    if content_type not in ACCEPTED_TYPES:
        return _outcome(415, [("", f"send {FHIR_JSON}, not {content_type or 'nothing'}")])
    try:
        resource = parse_service_request(await request.body())
        if path_id is not None and resource.id != path_id:
            raise ResourceInvalid(400, [("ServiceRequest.id", "must be the id in the URL")])
        received = order_of(resource, update=path_id is not None)
    except ResourceInvalid as invalid:
        return _outcome(invalid.status, invalid.problems)
    if path_id is not None:
        refused = await run_sync(_not_this_order, session, path_id, received)
        if refused is not None:
            return refused
    order = await run_sync(receive_order, session, user, settings, received)
    resource.id = str(order.id)
    body = resource.model_dump_json(exclude_none=True, by_alias=True)
    status = 201 if path_id is None else 200
    return _fhir(body, status, {"Location": f"/fhir/ServiceRequest/{order.id}"})


def _not_this_order(session: Session, path_id: str, received: ReceivedOrder) -> Response | None:
    """Why an update cannot change the order its URL names, if it cannot: orders are kept by
    accession number, so a resource of another accession would change another order."""
    number = _row_number(path_id)
    order = order_by_id(session, number) if number is not None else None
    if order is None:
        problem = f"no ServiceRequest/{path_id}: a new order is sent with POST"
        return _outcome(404, [("", problem)], code="not-found")
    if order.accession_number != received.facts.accession_number:
        problem = f"the accession number differs from that of ServiceRequest/{path_id}"
        return _outcome(422, [("ServiceRequest.identifier", problem)])
    return None


@router.get(
    "/DiagnosticReport",
    response_class=Response,
    summary="Find the reports of an accession number",
    responses=_documented(search_set(FHIR_DIAGNOSTIC_REPORT), 200),
)
def search_diagnostic_reports(
    user: CurrentUser, session: SessionDep, identifier: Annotated[str, Query(min_length=1)]
) -> Response:
    """A searchset Bundle of the reports of the study with this accession number
    (`identifier=ACC` or `system|ACC`): status preliminary, final or amended, the conclusion,
    the reader. Audited as a query; changes nothing."""
    found = [
        diagnostic_report(read)
        for read in read_tasks(session, accession_number=identifier.split("|")[-1])
        if read.reports
    ]
    returned = {"returned": len(found)}
    record(session, user, AuditAction.QUERY, object_type="DiagnosticReport", details=returned)
    return _fhir(json.dumps(search_bundle(found)))


@router.get(
    "/DiagnosticReport/{report_id}",
    response_class=Response,
    summary="Read one report",
    responses=_documented(FHIR_DIAGNOSTIC_REPORT, 200, 404),
)
def read_diagnostic_report(report_id: str, user: CurrentUser, session: SessionDep) -> Response:
    """The report of one reading task, the study as `imagingStudy`. Audited as a read of
    patient data; `404` (an OperationOutcome) for an unknown id."""
    number = _row_number(report_id)
    reads = read_tasks(session, task_id=number) if number is not None else []
    if not reads or not reads[0].reports:
        return _outcome(404, [("", f"no DiagnosticReport/{report_id}")], code="not-found")
    read = AuditAction.PATIENT_RECORD
    record(session, user, read, object_type="DiagnosticReport", object_id=report_id)
    return _fhir(diagnostic_report(reads[0]).model_dump_json(exclude_none=True, by_alias=True))


@router.get(
    "/Task",
    response_class=Response,
    summary="Find reading tasks",
    responses=_documented(search_set(FHIR_TASK), 200, 400),
)
def search_tasks(
    user: CurrentUser,
    session: SessionDep,
    identifier: str | None = None,
    _id: Annotated[str | None, Query(alias="_id")] = None,
) -> Response:
    """A searchset Bundle of reading tasks by accession number (`identifier`) or id (`_id`),
    their status as the reading workflow has it. `400` without either. Changes nothing."""
    number = _row_number(_id) if _id is not None else None
    if (_id is not None and number is None) or (not identifier and number is None):
        return _outcome(400, [("", "search by identifier (accession number) or _id (a number)")])
    accession = identifier.split("|")[-1] if identifier else None
    reads = read_tasks(session, accession_number=accession, task_id=number)
    record(session, user, AuditAction.QUERY, object_type="Task", details={"returned": len(reads)})
    return _fhir(json.dumps(search_bundle([reading_task(read) for read in reads])))


def _row_number(text: str) -> int | None:
    """A resource id as the number of our row (a task, an order), or None when it cannot be one."""
    return int(text) if text.isascii() and text.isdecimal() and len(text) <= 18 else None
