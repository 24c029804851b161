"""FHIR R4 at the edge: orders in as ServiceRequest; orders, reports and reading tasks out.

Bodies are `application/fhir+json`; an invalid resource is answered with an OperationOutcome.
What the endpoint does is read from these routes into its CapabilityStatement (`/fhir/metadata`).
"""

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any

from anyio.to_thread import run_sync
from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from fastapi.routing import APIRoute
from fhir.resources.R4B.domainresource import DomainResource
from sqlalchemy.orm import Session

from app.api.deps import CurrentUser, SessionDep, SettingsDep
from app.api.examples import (
    FHIR_CAPABILITY_STATEMENT,
    FHIR_DIAGNOSTIC_REPORT,
    FHIR_SERVICE_REQUEST,
    FHIR_TASK,
    OPERATION_OUTCOME,
    search_set,
)
from app.api.query_parameters import declared_query_parameters
from app.audit.events import AuditAction
from app.audit.service import record
from app.fhir.capabilities import ResourceInteractions, capability_statement
from app.fhir.outcomes import FHIR_JSON, ResourceInvalid, operation_outcome
from app.fhir.reading import ReadTask, diagnostic_report, reading_task, search_bundle
from app.fhir.reads import read_tasks
from app.fhir.service_requests import order_of, parse_service_request, service_request_of
from app.orders.models import Order
from app.orders.records import ReceivedOrder
from app.orders.repository import order_by_accession, order_by_id
from app.principal import Principal
from app.settings import Settings
from app.workflow.orders import receive_order

ACCEPTED_TYPES = (FHIR_JSON, "application/json")
# What a client may ask for (Accept, or FHIR's `_format`) and be answered in JSON.
JSON_ANSWERS = frozenset({FHIR_JSON, "application/json", "json", "application/*", "*/*"})


def _answerable_in_json(request: Request) -> None:
    """`406` for a client that will read only another format (XML, Turtle): we answer JSON."""
    wanted = request.query_params.get("_format") or request.headers.get("accept") or "*/*"
    ranges = {media_range.split(";")[0].strip().lower() for media_range in wanted.split(",")}
    if ranges.isdisjoint(JSON_ANSWERS):
        raise HTTPException(406, f"resources are answered as {FHIR_JSON} only, not {wanted}")


router = APIRouter(prefix="/fhir", tags=["fhir"], dependencies=[Depends(_answerable_in_json)])
INTERACTION_OF_METHOD = {"POST": "create", "PUT": "update"}


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


def _not_found(reference: str) -> Response:
    return _outcome(404, [("", f"no {reference}")], code="not-found")


def _resource(resource: DomainResource) -> Response:
    return _fhir(resource.model_dump_json(exclude_none=True, by_alias=True))


def _base(request: Request) -> str:
    """The FHIR base URL as the client reached it."""
    return str(request.base_url).rstrip("/") + router.prefix


def _read(session: Session, user: Principal, resource: DomainResource, asked: str) -> Response:
    """A resource read by its id (`asked`, as the URL gave it): audited as a read of patient
    data."""
    kind = resource.get_resource_type()
    record(session, user, AuditAction.PATIENT_RECORD, object_type=kind, object_id=asked)
    return _resource(resource)


def _found(
    request: Request,
    session: Session,
    user: Principal,
    resource_type: str,
    resources: Sequence[DomainResource],
) -> Response:
    """A search's matches as a searchset; the search audited as a query, changing nothing."""
    returned = {"returned": len(resources)}
    record(session, user, AuditAction.QUERY, object_type=resource_type, details=returned)
    bundle = search_bundle(resources, _base(request), str(request.url))
    return _fhir(json.dumps(bundle))


@dataclass(frozen=True, slots=True)
class SearchKeys:
    """What a search of orders or tasks names: an accession number, a row number, or both."""

    accession_number: str | None
    row_number: int | None


def _search_keys(
    identifier: str | None = None, _id: Annotated[str | None, Query(alias="_id")] = None
) -> SearchKeys:
    """`identifier` as an accession number (a `system|` prefix ignored) and `_id` as a row
    number; `400` when neither is given, or an `_id` no row can have."""
    number = _row_number(_id) if _id is not None else None
    if (_id is not None and number is None) or (not identifier and number is None):
        raise HTTPException(400, "search by identifier (accession number) or _id (a number)")
    return SearchKeys(identifier.split("|")[-1] if identifier else None, number)


Searched = Annotated[SearchKeys, Depends(_search_keys)]


@router.get(
    "/metadata",
    response_class=Response,
    summary="What this FHIR endpoint does",
    responses=_documented(FHIR_CAPABILITY_STATEMENT, 200),
)
def capabilities(request: Request) -> Response:
    """The CapabilityStatement (FHIR's `capabilities` interaction): each resource type with its
    interactions and search parameters, read from the routes. Needs no token, as FHIR clients
    ask before they sign in."""
    statement = capability_statement(_base(request), request.app.version, _interactions())
    return _resource(statement)


def _interactions() -> list[ResourceInteractions]:
    found: dict[str, tuple[list[str], list[str]]] = {}
    for route in router.routes:
        if not isinstance(route, APIRoute):
            continue
        resource_type, _, instance = route.path.removeprefix(f"{router.prefix}/").partition("/")
        if not resource_type[:1].isupper():
            continue  # not a resource: this statement itself
        interactions, parameters = found.setdefault(resource_type, ([], []))
        for method in sorted(route.methods or ()):
            if method != "GET":
                interactions.append(INTERACTION_OF_METHOD[method])
            elif instance:
                interactions.append("read")
            else:
                interactions.append("search-type")
                parameters += declared_query_parameters(route.dependant)
    return [ResourceInteractions(name, *described) for name, described in found.items()]


@router.post(
    "/ServiceRequest",
    status_code=201,
    response_class=Response,
    summary="Receive an order as a FHIR ServiceRequest",
    responses=_documented(FHIR_SERVICE_REQUEST, 201, 200, 400, 415, 422),
)
async def create_service_request(
    request: Request, user: CurrentUser, session: SessionDep, settings: SettingsDep
) -> Response:
    """An order (identifier of type ACSN = accession number), stored and matched to its study
    like an HL7 order; its reason, priority and encounter class feed routing. Answers the order
    as kept, as a read would: `201`, or `200` when an order of this accession number was there
    already (a request sent again), which the resource now states in full. `400` unreadable,
    `415` not FHIR JSON, `422` unusable (an OperationOutcome says where)."""
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
    """A changed order, stated in full (a fact left out is cleared), routed again while nobody
    has claimed its task; status `revoked` or `entered-in-error` cancels it and its open tasks
    (audited). The resource's `id` must be the URL's (`400`), an order's (`404`; a new order is
    sent with POST), and its accession number that order's (`422`). Answers the order as kept;
    other errors as for POST."""
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
    stored = await run_sync(receive_order, session, user, settings, received)
    # Read back off the event loop: what the database set (the order's times) may be loaded.
    kept = await run_sync(service_request_of, stored.order)
    body = kept.model_dump_json(exclude_none=True, by_alias=True)
    location = {"Location": f"/fhir/ServiceRequest/{stored.order.id}"}
    return _fhir(body, 201 if stored.created else 200, location)


def _not_this_order(session: Session, path_id: str, received: ReceivedOrder) -> Response | None:
    """Why an update cannot change the order its URL names, if it cannot: orders are kept by
    accession number, so a resource of another accession would change another order."""
    order = _order_named(session, path_id)
    if order is None:
        return _not_found(f"ServiceRequest/{path_id}: a new order is sent with POST")
    if order.accession_number != received.facts.accession_number:
        problem = f"the accession number differs from that of ServiceRequest/{path_id}"
        return _outcome(422, [("ServiceRequest.identifier", problem)])
    return None


@router.get(
    "/ServiceRequest/{order_id}",
    response_class=Response,
    summary="Read one order",
    responses=_documented(FHIR_SERVICE_REQUEST, 200, 404),
)
def read_service_request(order_id: str, user: CurrentUser, session: SessionDep) -> Response:
    """An order as a ServiceRequest, whether HL7 or FHIR brought it: the facts read from it,
    the status its sender last gave (`revoked` once cancelled), its encounter contained. The
    resource reports and tasks name in `basedOn`. Audited as a read of patient data; `404` for
    an unknown id."""
    order = _order_named(session, order_id)
    if order is None:
        return _not_found(f"ServiceRequest/{order_id}")
    return _read(session, user, service_request_of(order), order_id)


@router.get(
    "/ServiceRequest",
    response_class=Response,
    summary="Find an order",
    responses=_documented(search_set(FHIR_SERVICE_REQUEST), 200, 400),
)
def search_service_requests(
    request: Request, user: CurrentUser, session: SessionDep, searched: Searched
) -> Response:
    """A searchset Bundle of the order with this accession number (`identifier=ACC` or
    `system|ACC`) or id (`_id`); both must name the same order. `400` without either. Audited
    as a query; changes nothing."""
    accession, number = searched.accession_number, searched.row_number
    order = order_by_id(session, number) if number is not None else None
    if number is None and accession is not None:
        order = order_by_accession(session, accession)
    if order is not None and accession not in (None, order.accession_number):
        order = None
    found = [service_request_of(order)] if order else []
    return _found(request, session, user, "ServiceRequest", found)


@router.get(
    "/DiagnosticReport",
    response_class=Response,
    summary="Find the reports of an accession number",
    responses=_documented(search_set(FHIR_DIAGNOSTIC_REPORT), 200),
)
def search_diagnostic_reports(
    request: Request, user: CurrentUser, session: SessionDep, searched: Searched
) -> Response:
    """A searchset Bundle of the reports of the study with this accession number
    (`identifier=ACC` or `system|ACC`) or of the task `_id`: status preliminary, final or
    amended, the conclusion, the reader. `400` without either. Audited as a query; changes
    nothing."""
    reads = read_tasks(
        session, accession_number=searched.accession_number, task_id=searched.row_number
    )
    found = [diagnostic_report(read) for read in reads if read.reports]
    return _found(request, session, user, "DiagnosticReport", found)


@router.get(
    "/DiagnosticReport/{report_id}",
    response_class=Response,
    summary="Read one report",
    responses=_documented(FHIR_DIAGNOSTIC_REPORT, 200, 404),
)
def read_diagnostic_report(report_id: str, user: CurrentUser, session: SessionDep) -> Response:
    """The report of one reading task, the study as `imagingStudy`. Audited as a read of
    patient data; `404` (an OperationOutcome) for an unknown id."""
    read = _task_named(session, report_id)
    if read is None or not read.reports:
        return _not_found(f"DiagnosticReport/{report_id}")
    return _read(session, user, diagnostic_report(read), report_id)


@router.get(
    "/Task/{task_id}",
    response_class=Response,
    summary="Read one reading task",
    responses=_documented(FHIR_TASK, 200, 404),
)
def read_task(task_id: str, user: CurrentUser, session: SessionDep) -> Response:
    """A reading task, its status as the reading workflow has it. Audited as a read of patient
    data; `404` for an unknown id."""
    read = _task_named(session, task_id)
    if read is None:
        return _not_found(f"Task/{task_id}")
    return _read(session, user, reading_task(read), task_id)


@router.get(
    "/Task",
    response_class=Response,
    summary="Find reading tasks",
    responses=_documented(search_set(FHIR_TASK), 200, 400),
)
def search_tasks(
    request: Request, user: CurrentUser, session: SessionDep, searched: Searched
) -> Response:
    """A searchset Bundle of reading tasks by accession number (`identifier`) or id (`_id`),
    their status as the reading workflow has it. `400` without either. Changes nothing."""
    number = searched.row_number
    reads = read_tasks(session, accession_number=searched.accession_number, task_id=number)
    return _found(request, session, user, "Task", [reading_task(read) for read in reads])


def _order_named(session: Session, resource_id: str) -> Order | None:
    number = _row_number(resource_id)
    return order_by_id(session, number) if number is not None else None


def _task_named(session: Session, resource_id: str) -> ReadTask | None:
    number = _row_number(resource_id)
    reads = read_tasks(session, task_id=number) if number is not None else []
    return reads[0] if reads else None


def _row_number(text: str) -> int | None:
    """A resource id as the number of our row (a task, an order), or None when it cannot be one."""
    return int(text) if text.isascii() and text.isdecimal() and len(text) <= 18 else None
