"""FHIR R4 at the edge: orders in as ServiceRequest; reports and reading tasks out.

Bodies are `application/fhir+json`; an invalid resource is answered with an OperationOutcome.
"""

import json
from typing import Annotated

from anyio.to_thread import run_sync
from fastapi import APIRouter, Query, Request, Response
from sqlalchemy.orm import Session

from app.api.deps import CurrentUser, SessionDep, SettingsDep
from app.audit.events import AuditAction
from app.audit.service import record
from app.fhir.outcomes import ResourceInvalid, operation_outcome
from app.fhir.reading import diagnostic_report, reading_task, search_bundle
from app.fhir.reads import read_tasks
from app.fhir.service_requests import order_of, parse_service_request
from app.principal import Principal
from app.settings import Settings
from app.workflow.orders import receive_order

router = APIRouter(prefix="/fhir", tags=["fhir"])

FHIR_JSON = "application/fhir+json"
ACCEPTED_TYPES = (FHIR_JSON, "application/json")


def _fhir(body: str, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(body, status_code=status, media_type=FHIR_JSON, headers=headers)


def _outcome(status: int, problems: list[tuple[str, str]], code: str = "invalid") -> Response:
    return _fhir(operation_outcome(problems, code), status)


@router.post("/ServiceRequest", status_code=201, response_class=Response)
async def create_service_request(
    request: Request, user: CurrentUser, session: SessionDep, settings: SettingsDep
) -> Response:
    """An order (identifier of type ACSN = accession number); routed like an HL7 order."""
    return await _store(request, user, session, settings, None)


@router.put("/ServiceRequest/{order_id}", response_class=Response)
async def update_service_request(
    order_id: str, request: Request, user: CurrentUser, session: SessionDep, settings: SettingsDep
) -> Response:
    """A changed order; status `revoked` or `entered-in-error` cancels it."""
    return await _store(request, user, session, settings, order_id)


async def _store(
    request: Request, user: Principal, session: Session, settings: Settings, path_id: str | None
) -> Response:
    content_type = request.headers.get("content-type", "").split(";")[0].strip()
    if content_type not in ACCEPTED_TYPES:
        return _outcome(415, [("", f"send {FHIR_JSON}, not {content_type or 'nothing'}")])
    try:
        resource = parse_service_request(await request.body())
        if path_id is not None and resource.id not in (None, path_id):
            raise ResourceInvalid(400, [("ServiceRequest.id", "differs from the id in the URL")])
        received = order_of(resource, update=path_id is not None)
    except ResourceInvalid as invalid:
        return _outcome(invalid.status, invalid.problems)
    order = await run_sync(receive_order, session, user, settings, received)
    resource.id = str(order.id)
    body = resource.model_dump_json(exclude_none=True, by_alias=True)
    status = 201 if path_id is None else 200
    return _fhir(body, status, {"Location": f"/fhir/ServiceRequest/{order.id}"})


@router.get("/DiagnosticReport", response_class=Response)
def search_diagnostic_reports(
    user: CurrentUser, session: SessionDep, identifier: Annotated[str, Query(min_length=1)]
) -> Response:
    """Reports of the study with this accession number (`identifier=ACC` or `system|ACC`)."""
    found = [
        diagnostic_report(read)
        for read in read_tasks(session, accession_number=identifier.split("|")[-1])
        if read.reports
    ]
    returned = {"returned": len(found)}
    record(session, user, AuditAction.QUERY, object_type="DiagnosticReport", details=returned)
    return _fhir(json.dumps(search_bundle(found)))


@router.get("/DiagnosticReport/{report_id}", response_class=Response)
def read_diagnostic_report(report_id: str, user: CurrentUser, session: SessionDep) -> Response:
    reads = read_tasks(session, task_id=int(report_id)) if report_id.isdigit() else []
    if not reads or not reads[0].reports:
        return _outcome(404, [("", f"no DiagnosticReport/{report_id}")], code="not-found")
    read = AuditAction.PATIENT_RECORD
    record(session, user, read, object_type="DiagnosticReport", object_id=report_id)
    return _fhir(diagnostic_report(reads[0]).model_dump_json(exclude_none=True, by_alias=True))


@router.get("/Task", response_class=Response)
def search_tasks(
    user: CurrentUser,
    session: SessionDep,
    identifier: str | None = None,
    _id: Annotated[str | None, Query(alias="_id")] = None,
) -> Response:
    """Reading tasks by accession number (`identifier`) or id (`_id`)."""
    if identifier is None and (_id is None or not _id.isdigit()):
        return _outcome(400, [("", "search by identifier (accession number) or _id")])
    accession = identifier.split("|")[-1] if identifier else None
    reads = read_tasks(session, accession_number=accession, task_id=int(_id) if _id else None)
    record(session, user, AuditAction.QUERY, object_type="Task", details={"returned": len(reads)})
    return _fhir(json.dumps(search_bundle([reading_task(read) for read in reads])))
