"""An order as any interface delivers it (HL7 v2 or FHIR): the contract with the orders domain."""

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from app.vocabulary import Priority


class OrderControl(StrEnum):
    """What a message does to its order, after HL7 table 0119 (ORC-1)."""

    NEW = "NW"
    CHANGE = "XO"
    CANCEL = "CA"
    DISCONTINUE = "DC"
    STATUS = "SC"


CANCELLING = frozenset({OrderControl.CANCEL, OrderControl.DISCONTINUE})


class OrderStatus(StrEnum):
    ACTIVE = "ACTIVE"
    CANCELLED = "CANCELLED"


@dataclass(frozen=True, slots=True)
class OrderFacts:
    """What an order says about the study to read; every field but the accession is optional."""

    accession_number: str
    placer_number: str | None = None
    filler_number: str | None = None
    study_instance_uid: str | None = None
    patient_id: str | None = None
    patient_name: str | None = None
    priority: Priority | None = None
    reason: str | None = None
    reason_codes: tuple[str, ...] = field(default_factory=tuple)
    ordering_physician: str | None = None
    patient_class: str | None = None
    patient_location: str | None = None
    requested_procedure: str | None = None
    scheduled_at: datetime | None = None
    order_status: str | None = None


@dataclass(frozen=True, slots=True)
class ReceivedOrder:
    """One order message: what to do, to which order, from which interface."""

    control: OrderControl
    facts: OrderFacts
    source: str  # "HL7" or "FHIR"
    # A FHIR resource states the whole order, so a fact it leaves out is no longer so; an HL7
    # change may carry only what changed, so a fact it leaves empty keeps what was said before,
    # and one it sends as HL7's null ("") is deleted: those are named in `cleared`.
    states_every_fact: bool = False
    cleared: frozenset[str] = frozenset()
