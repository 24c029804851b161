"""FHIR R4 ServiceRequest (R4B models of `fhir.resources`) read into the same order facts as HL7,
and any order, however it came, written back as one."""

import json
import re
from datetime import UTC, date, datetime

from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.reference import Reference
from fhir.resources.R4B.servicerequest import ServiceRequest
from pydantic import ValidationError

from app.fhir.outcomes import ResourceInvalid
from app.orders.models import Order
from app.orders.records import OrderControl, OrderFacts, OrderStatus, ReceivedOrder
from app.orders.widths import too_long
from app.vocabulary import Priority

PRIORITY_OF_REQUEST = {
    "routine": Priority.ROUTINE,
    "urgent": Priority.URGENT,
    "asap": Priority.STAT,
    "stat": Priority.STAT,
}
# A priority written back: the last code above that reads as it ("stat" rather than "asap").
REQUEST_PRIORITY = {priority: code for code, priority in PRIORITY_OF_REQUEST.items()}
REQUEST_STATUSES = frozenset(
    {"draft", "active", "on-hold", "revoked", "completed", "entered-in-error", "unknown"}
)
CANCELLED_STATUSES = frozenset({"revoked", "entered-in-error"})
# Intents that ask for the study to be done: a proposal, plan, directive or option does not.
ORDER_INTENTS = frozenset(
    {"order", "original-order", "reflex-order", "filler-order", "instance-order"}
)
# ServiceRequest.subject is required; for an order that names no patient FHIR says why it is empty.
PATIENT_NOT_NAMED = {
    "url": "http://hl7.org/fhir/StructureDefinition/data-absent-reason",
    "valueCode": "unknown",
}
# HL7 v2 table 0203 identifier types, as FHIR identifiers carry them.
IDENTIFIER_TYPE_SYSTEM = "http://terminology.hl7.org/CodeSystem/v2-0203"
ACCESSION, PLACER, FILLER = "ACSN", "PLAC", "FILL"
DICOM_UID_SYSTEM = "urn:dicom:uid"
OID_PREFIX = "urn:oid:"
READ_IDENTIFIERS = frozenset({ACCESSION, PLACER, FILLER, DICOM_UID_SYSTEM})
# v3 ActCode encounter classes as HL7 v2 patient classes (PV1-2), and back.
ENCOUNTER_CLASS_SYSTEM = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
PATIENT_CLASS_SYSTEM = "http://terminology.hl7.org/CodeSystem/v2-0004"
PATIENT_CLASS_OF_ENCOUNTER = {"EMER": "E", "IMP": "I", "ACUTE": "I", "AMB": "O", "OBSENC": "O"}
ENCOUNTER_OF_PATIENT_CLASS = {"E": "EMER", "I": "IMP", "O": "AMB"}
# Where in the resource each order fact kept in a column of limited width comes from.
PATH_OF_FACT = {
    "accession_number": "ServiceRequest.identifier",
    "placer_number": "ServiceRequest.identifier",
    "filler_number": "ServiceRequest.identifier",
    "study_instance_uid": "ServiceRequest.identifier",
    "patient_id": "ServiceRequest.subject",
    "priority": "ServiceRequest.priority",
    "patient_class": "ServiceRequest.encounter",
    "order_status": "ServiceRequest.status",
}
# FHIR strings hold no character below U+0020 but tab, CR and LF; the models do not check it, and
# Postgres would refuse a NUL without saying where it was.
CONTROL_CHARACTER = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def parse_service_request(body: bytes) -> ServiceRequest:
    try:
        resource = ServiceRequest.model_validate_json(body)
    except ValidationError as error:
        raise _wrong_type(body) or ResourceInvalid.of_validation(error) from error
    where = _control_character_at(json.loads(body), "ServiceRequest")
    if where is not None:
        problem = "a control character, which FHIR strings cannot hold"
        raise ResourceInvalid(400, [(where, problem)])
    return resource


def _wrong_type(body: bytes) -> ResourceInvalid | None:
    """Another resource sent where a ServiceRequest belongs, said in FHIR's words rather than
    the model library's."""
    try:
        sent = json.loads(body)
    except ValueError:
        return None
    kind = sent.get("resourceType") if isinstance(sent, dict) else None
    if kind == "ServiceRequest" or not isinstance(kind, str):
        return None
    return ResourceInvalid(400, [("resourceType", f"a ServiceRequest belongs here, not {kind!r}")])


def _control_character_at(value: object, path: str) -> str | None:
    """The FHIRPath of the first string (or name) holding a control character, if any."""
    if isinstance(value, str):
        return path if CONTROL_CHARACTER.search(value) else None
    if isinstance(value, list):
        items = (_control_character_at(item, f"{path}[{n}]") for n, item in enumerate(value))
        return next((where for where in items if where is not None), None)
    if isinstance(value, dict):
        for name, item in value.items():
            if CONTROL_CHARACTER.search(name):
                return path
            if (where := _control_character_at(item, f"{path}.{name}")) is not None:
                return where
    return None


def order_of(request: ServiceRequest, *, update: bool) -> ReceivedOrder:
    """The order a ServiceRequest states; ResourceInvalid (422) when it cannot be used."""
    identifiers = _identifiers(request)
    accession = identifiers.get(ACCESSION)
    if not accession:
        problem = "an identifier with type ACSN (the accession number) is required"
        raise ResourceInvalid(422, [("ServiceRequest.identifier", problem)])
    if request.priority and request.priority not in PRIORITY_OF_REQUEST:
        raise ResourceInvalid(422, [("ServiceRequest.priority", f"unknown {request.priority!r}")])
    if request.intent not in ORDER_INTENTS:
        problem = f"a {request.intent} is not an order: send the order itself (intent order)"
        raise ResourceInvalid(422, [("ServiceRequest.intent", problem)])
    if request.status == "draft":
        problem = "a draft is not an order yet: send it once it is active"
        raise ResourceInvalid(422, [("ServiceRequest.status", problem)])
    encounter = _contained_encounter(request)
    facts = OrderFacts(
        accession_number=accession,
        placer_number=identifiers.get(PLACER),
        filler_number=identifiers.get(FILLER),
        study_instance_uid=identifiers.get(DICOM_UID_SYSTEM),
        patient_id=_patient_id(request.subject),
        patient_name=request.subject.display if request.subject else None,
        priority=PRIORITY_OF_REQUEST.get(request.priority or ""),
        reason="\n".join(_reason_texts(request)) or None,
        reason_codes=tuple(_reason_codes(request.reasonCode or [])),
        ordering_physician=request.requester.display if request.requester else None,
        patient_class=encounter[0],
        patient_location=encounter[1],
        requested_procedure=_text_of(request.code),
        scheduled_at=_scheduled(request.occurrenceDateTime),
        order_status=request.status,
    )
    if overlong := too_long(facts):
        name, problem = overlong
        raise ResourceInvalid(422, [(PATH_OF_FACT.get(name, "ServiceRequest"), problem)])
    control = OrderControl.CHANGE if update else OrderControl.NEW
    if request.status in CANCELLED_STATUSES:
        control = OrderControl.CANCEL
    return ReceivedOrder(control=control, facts=facts, source="FHIR", states_every_fact=True)


def _identifiers(request: ServiceRequest) -> dict[str, str]:
    """Identifier values by type code (ACSN, PLAC, FILL) or, for a Study Instance UID, system;
    ResourceInvalid (422) for two different values of one we read, rather than taking either."""
    found: dict[str, str] = {}
    for identifier in request.identifier or []:
        if not identifier.value:
            continue
        kinds = [coding.code for coding in identifier.type.coding or []] if identifier.type else []
        value = identifier.value
        if identifier.system == DICOM_UID_SYSTEM:
            kinds, value = [DICOM_UID_SYSTEM, *kinds], value.removeprefix(OID_PREFIX)
        for kind in filter(None, kinds):
            if kind in READ_IDENTIFIERS and found.get(kind, value) != value:
                problem = f"two different identifiers of type {kind}"
                raise ResourceInvalid(422, [("ServiceRequest.identifier", problem)])
            found.setdefault(kind, value)
    return found


def _scheduled(occurrence: datetime | date | str | None) -> datetime | None:
    """occurrenceDateTime as a moment: a date, or a year or month alone (kept as text by the
    models), at its start in UTC, as HL7 reads a timestamp without its time."""
    if occurrence is None:
        return None
    if isinstance(occurrence, str):
        year, _, month = occurrence.partition("-")
        occurrence = date(int(year), int(month or 1), 1)
    if not isinstance(occurrence, datetime):
        occurrence = datetime(occurrence.year, occurrence.month, occurrence.day, tzinfo=UTC)
    try:
        # Postgres would keep 0001-01-01 at +14:00 as a year BC that no reader could read back.
        occurrence.astimezone(UTC)
    except OverflowError:
        problem = "not a moment between the years 1 and 9999 in UTC"
        raise ResourceInvalid(422, [("ServiceRequest.occurrenceDateTime", problem)]) from None
    return occurrence


def _patient_id(subject: Reference | None) -> str | None:
    if subject is None:
        return None
    if subject.identifier is not None and subject.identifier.value:
        return str(subject.identifier.value)
    reference = subject.reference or ""
    return reference.removeprefix("Patient/") if reference.startswith("Patient/") else None


def _text_of(concept: CodeableConcept | None) -> str | None:
    if concept is None:
        return None
    displays = [coding.display or coding.code for coding in concept.coding or []]
    return concept.text or next((text for text in displays if text), None)


def _reason_texts(request: ServiceRequest) -> list[str]:
    texts = [_text_of(reason) for reason in request.reasonCode or []]
    texts += [reference.display for reference in request.reasonReference or []]
    texts += [note.text for note in request.note or []]
    return [text for text in texts if text]


def _reason_codes(reasons: list[CodeableConcept]) -> list[str]:
    codes = []
    for reason in reasons:
        for coding in reason.coding or []:
            if coding.code:
                system = (coding.system or "").rstrip("/").rsplit("/", 1)[-1]
                codes.append(f"{system}:{coding.code}" if system else coding.code)
    return codes


def _contained_encounter(request: ServiceRequest) -> tuple[str | None, str | None]:
    """Patient class and location from the encounter the request points to, when contained."""
    reference = request.encounter.reference if request.encounter else None
    if not reference or not reference.startswith("#"):
        return None, None
    for resource in request.contained or []:
        if resource.get_resource_type() == "Encounter" and resource.id == reference[1:]:
            code = resource.class_fhir.code if resource.class_fhir else None  # type: ignore[attr-defined]
            places = [entry.location.display for entry in resource.location or []]  # type: ignore[attr-defined]
            return PATIENT_CLASS_OF_ENCOUNTER.get(code or "", code), next(iter(places), None)
    return None, None


def service_request_of(order: Order) -> ServiceRequest:
    """An order as a ServiceRequest, whichever interface sent it: what was read from it, the
    status its sender last gave (`revoked` once cancelled) and, contained, its encounter.

    Names are written as kept, not as the worklist shows them: a client reads the resource,
    changes it and sends it back whole, and what it did not change must stay as it was.
    """
    identifiers = [
        identifier_of_type(code, value)
        for code, value in (
            (ACCESSION, order.accession_number),
            (PLACER, order.placer_number),
            (FILLER, order.filler_number),
        )
        if value
    ]
    if order.study_instance_uid:
        identifiers.append(dicom_uid_identifier(order.study_instance_uid))
    subject: dict[str, object] = {}
    if order.patient_id:
        subject["identifier"] = {"value": order.patient_id}
    if order.patient_name:
        subject["display"] = order.patient_name
    encounter = _encounter(order)
    return ServiceRequest(
        id=str(order.id),
        meta={"lastUpdated": order.updated_at},
        status=_request_status(order),
        intent="order",
        priority=REQUEST_PRIORITY[Priority(order.priority)] if order.priority else None,
        identifier=identifiers,
        code={"text": order.requested_procedure} if order.requested_procedure else None,
        subject=subject or {"extension": [PATIENT_NOT_NAMED]},
        requester={"display": order.ordering_physician} if order.ordering_physician else None,
        reasonCode=_reasons(order),
        # In UTC, as Postgres gives it back, whatever offset the order was sent with.
        occurrenceDateTime=order.scheduled_at.astimezone(UTC) if order.scheduled_at else None,
        authoredOn=order.created_at,
        encounter={"reference": f"#{encounter['id']}"} if encounter else None,
        contained=[encounter] if encounter else None,
    )


def identifier_of_type(code: str, value: str) -> dict[str, object]:
    """An identifier typed by HL7 v2 table 0203 (ACSN: an accession number)."""
    return {"type": {"coding": [{"system": IDENTIFIER_TYPE_SYSTEM, "code": code}]}, "value": value}


def dicom_uid_identifier(uid: str) -> dict[str, object]:
    """A DICOM UID as a FHIR identifier: the `urn:dicom:uid` system, the UID as an OID URN."""
    return {"system": DICOM_UID_SYSTEM, "value": f"{OID_PREFIX}{uid}"}


def _request_status(order: Order) -> str:
    """`revoked` for a cancelled order unless its sender said `entered-in-error`; a FHIR
    sender's own status otherwise; HL7 order statuses (ORC-5) are not FHIR's: `active`."""
    said = order.order_status or ""
    if order.status == OrderStatus.CANCELLED:
        return said if said in CANCELLED_STATUSES else "revoked"
    if order.source == "FHIR" and said in REQUEST_STATUSES - CANCELLED_STATUSES:
        return said
    return "active"


def _reasons(order: Order) -> list[dict[str, object]] | None:
    """The question and its codes as one concept; the codes as read (`icd-10:R51`), without a
    system, since reading them kept only its last part."""
    reason: dict[str, object] = {}
    if order.reason:
        reason["text"] = order.reason
    if order.reason_codes:
        reason["coding"] = [{"code": code} for code in order.reason_codes]
    return [reason] if reason else None


def _encounter(order: Order) -> dict[str, object] | None:
    """The visit the order names, contained: its class (an ActCode when FHIR sent or HL7's
    E, I or O maps to one, else the HL7 patient class) and its location."""
    if order.patient_class is None and order.patient_location is None:
        return None
    patient_class = order.patient_class
    if patient_class is None:
        kind: dict[str, object] = {"display": "not given in the order"}
    elif patient_class in ENCOUNTER_OF_PATIENT_CLASS:
        kind = {"system": ENCOUNTER_CLASS_SYSTEM, "code": ENCOUNTER_OF_PATIENT_CLASS[patient_class]}
    elif order.source == "FHIR":
        kind = {"system": ENCOUNTER_CLASS_SYSTEM, "code": patient_class}
    else:
        kind = {"system": PATIENT_CLASS_SYSTEM, "code": patient_class}
    encounter: dict[str, object] = {
        "resourceType": "Encounter",
        "id": "encounter",
        "status": "unknown",
        "class": kind,
    }
    if order.patient_location:
        encounter["location"] = [{"location": {"display": order.patient_location}}]
    return encounter
