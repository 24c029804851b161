"""ORM^O01 and OMI^O23 order messages (HL7 v2.3 to v2.5.1) read into plain order facts."""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from app.hl7.er7 import ABSENT, Message, Segment
from app.hl7.errors import MessageRejected, OrderUnusable
from app.hl7.fields import each_repetition, joined, person_name
from app.hl7.priorities import priority_of
from app.hl7.timestamps import parse_timestamp
from app.orders.records import OrderControl, OrderFacts, ReceivedOrder
from app.orders.widths import CONTROL_ID_WIDTH, too_long
from app.vocabulary import Priority

ORDER_MESSAGES = frozenset({("ORM", "O01"), ("OMI", "O23")})
SUPPORTED_VERSIONS = frozenset({"2.3", "2.3.1", "2.4", "2.5", "2.5.1"})
DEFAULT_ACCESSION_FIELDS = ("IPC-1", "OBR-18", "ORC-3")
# Segments that belong to the order they follow (its ORC).
ORDER_GROUP_SEGMENTS = frozenset({"ORC", "TQ1", "OBR", "NTE", "DG1", "IPC", "ZDS", "OBX"})

CONTROL_OF_CODE = {control.value: control for control in OrderControl}

Group = dict[str, list[Segment]]


@dataclass(frozen=True, slots=True)
class MessageHeader:
    sender: str
    control_id: str
    message_type: str
    version: str


def header_of(message: Message) -> MessageHeader:
    msh = message.header
    control_id = msh.value(10)
    if not control_id:
        raise MessageRejected("MSH-10 (message control id) is empty")
    if len(control_id) > CONTROL_ID_WIDTH:
        reason = f"MSH-10 (message control id) is longer than {CONTROL_ID_WIDTH} characters"
        raise MessageRejected(reason)
    sender = f"{msh.value(3)}|{msh.value(4)}"
    message_type = f"{msh.value(9, 1)}^{msh.value(9, 2)}"
    return MessageHeader(sender, control_id, message_type, msh.value(12))


def read_orders(
    message: Message,
    header: MessageHeader,
    accession_fields: Sequence[str] = DEFAULT_ACCESSION_FIELDS,
) -> list[ReceivedOrder]:
    """Each order of an ORM^O01 or OMI^O23; MessageRejected or OrderUnusable when it cannot be."""
    if header.version not in SUPPORTED_VERSIONS:
        raise MessageRejected(f"HL7 version {header.version or '(none)'} is not supported")
    if tuple(header.message_type.split("^")) not in ORDER_MESSAGES:
        raise MessageRejected(f"message type {header.message_type} is not an order we take")
    groups = list(_order_groups(message))
    if not groups:
        raise OrderUnusable("the message has no ORC segment")
    patient = next(iter(message.segments_named("PID")), ABSENT)
    visit = next(iter(message.segments_named("PV1")), ABSENT)
    if len(groups) == 1:
        return [_order(groups[0], patient, visit, accession_fields)]
    orders = []
    for number, group in enumerate(groups, 1):
        try:
            orders.append(_order(group, patient, visit, accession_fields))
        except OrderUnusable as unusable:
            # Of several orders, the sender must know which one to correct.
            raise OrderUnusable(f"order {number} of {len(groups)}: {unusable.reason}") from None
    return orders


def _order_groups(message: Message) -> Iterator[Group]:
    group: Group | None = None
    for segment in message.segments:
        name = segment.name
        if name == "ORC":
            if group is not None:
                yield group
            group = {}
        if group is not None and name in ORDER_GROUP_SEGMENTS:
            group.setdefault(name, []).append(segment)
    if group is not None:
        yield group


def _order(
    group: Group,
    patient: Segment,
    visit: Segment,
    accession_fields: Sequence[str],
) -> ReceivedOrder:
    first = {name: segments[0] for name, segments in group.items()}
    orc, obr, tq1 = first["ORC"], first.get("OBR", ABSENT), first.get("TQ1", ABSENT)
    zds, ipc = first.get("ZDS", ABSENT), first.get("IPC", ABSENT)
    control = CONTROL_OF_CODE.get(orc.value(1).upper())
    if control is None:
        raise OrderUnusable(f"order control {orc.value(1)!r} is not NW, XO, CA, DC or SC")
    accession = _accession(first, accession_fields)
    if not accession:
        raise OrderUnusable(f"no accession number in {', '.join(accession_fields)}")
    diagnoses, notes = group.get("DG1", []), group.get("NTE", [])
    facts = OrderFacts(
        accession_number=accession,
        placer_number=orc.value(2) or obr.value(2) or None,
        filler_number=orc.value(3) or obr.value(3) or None,
        study_instance_uid=zds.value(1) or ipc.value(3) or None,
        patient_id=patient.value(3) or patient.value(2) or None,
        patient_name=person_name(patient, 5) or None,
        priority=_priority(tq1, orc, obr),
        reason="\n".join(_reason_texts(obr, diagnoses, notes)) or None,
        reason_codes=tuple(_reason_codes(obr, diagnoses)),
        ordering_physician=person_name(obr, 16, 2) or person_name(orc, 12, 2) or None,
        patient_class=visit.value(2) or None,
        patient_location=joined(visit, 3, range(1, 5), " ") or None,
        requested_procedure=obr.value(4, 2) or obr.value(4, 1) or None,
        scheduled_at=_scheduled(tq1, orc, obr),
        order_status=orc.value(5) or None,
    )
    if overlong := too_long(facts):
        raise OrderUnusable(overlong[1])
    segments = {"OBR": obr, "ORC": orc, "TQ1": tq1, "PV1": visit}
    return ReceivedOrder(control, facts, "HL7", cleared=_cleared(facts, segments))


# The facts a change may delete, each with the fields it is read from: one is deleted when the
# message sends HL7's null in one of them and gives it no value from the others.
CLEARABLE: dict[str, tuple[tuple[str, int], ...]] = {
    "reason": (("OBR", 31), ("OBR", 13)),
    "reason_codes": (("OBR", 31),),
    "ordering_physician": (("OBR", 16), ("ORC", 12)),
    "patient_class": (("PV1", 2),),
    "patient_location": (("PV1", 3),),
    "requested_procedure": (("OBR", 4),),
    "scheduled_at": (("TQ1", 7), ("OBR", 36)),
    "priority": (("TQ1", 9),),
    "order_status": (("ORC", 5),),
}


def _cleared(facts: OrderFacts, segments: dict[str, Segment]) -> frozenset[str]:
    return frozenset(
        name
        for name, sources in CLEARABLE.items()
        if not getattr(facts, name)
        and any(segments[segment].is_null(field) for segment, field in sources)
    )


def _accession(first: dict[str, Segment], fields: Sequence[str]) -> str:
    for name in fields:
        segment_name, _, number = name.partition("-")
        found = first.get(segment_name, ABSENT).value(int(number))
        if found:
            return found
    return ""


def _priority(tq1: Segment, orc: Segment, obr: Segment) -> Priority | None:
    """The first of TQ1-9, ORC-7.6 and OBR-27.6 that names a priority (later ones left unread)."""
    for segment, field, component in ((tq1, 9, 1), (orc, 7, 6), (obr, 27, 6)):
        if priority := priority_of(segment.value(field, component)):
            return priority
    return None


def _reason_texts(obr: Segment, diagnoses: list[Segment], notes: list[Segment]) -> Iterator[str]:
    """Reason for study (OBR-31), relevant clinical information (OBR-13), diagnoses, notes."""
    for repeat in each_repetition(obr, 31):
        text = obr.value(31, 2, repeat) or obr.value(31, 1, repeat)
        if text:
            yield text
    if clinical_information := obr.value(13):
        yield clinical_information
    for diagnosis in diagnoses:
        if text := diagnosis.value(4) or diagnosis.value(3, 2):
            yield text
    for note in notes:
        yield from filter(None, (note.value(3, 1, repeat) for repeat in each_repetition(note, 3)))


def _reason_codes(obr: Segment, diagnoses: list[Segment]) -> Iterator[str]:
    """Coded reasons as SYSTEM:CODE (ICD-10 codes as the sender's coding system names them)."""
    coded = [(obr, 31, repeat) for repeat in each_repetition(obr, 31)]
    coded += [(diagnosis, 3, 1) for diagnosis in diagnoses]
    for segment, field, repeat in coded:
        code = segment.value(field, 1, repeat)
        system = segment.value(field, 3, repeat)
        if code and (system or segment.value(field, 2, repeat)):
            yield f"{system}:{code}" if system else code


def _scheduled(tq1: Segment, orc: Segment, obr: Segment) -> datetime | None:
    """The first of TQ1-7, ORC-7.4, OBR-36 and OBR-27.4 that holds a time (later ones unread)."""
    for segment, field, component in ((tq1, 7, 1), (orc, 7, 4), (obr, 36, 1), (obr, 27, 4)):
        if moment := parse_timestamp(segment.value(field, component)):
            return moment
    return None
