"""Storing orders, and bringing an order and its study together whichever came first."""

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from app.orders import repository
from app.orders.models import Order
from app.orders.records import CANCELLING, OrderStatus, ReceivedOrder
from app.settings import Settings
from app.studies.models import Study
from app.studies.questions import give_question, withdraw_question

ORDER_SOURCE = "order"


@dataclass(frozen=True, slots=True)
class StoredOrder:
    order: Order
    created: bool  # False: a change, or an order of an accession number already held


def store_order(session: Session, received: ReceivedOrder) -> StoredOrder:
    """Create or update the order of the accession number; a cancel keeps it, cancelled."""
    facts = received.facts
    created = repository.add_order_unless_held(session, received)
    order = repository.order_by_accession(session, facts.accession_number, for_update=True)
    assert order is not None  # inserted, or held by a committed transaction
    _copy_facts(order, received)
    order.last_control = received.control.value
    cancelled = received.control in CANCELLING
    order.status = (OrderStatus.CANCELLED if cancelled else OrderStatus.ACTIVE).value
    session.flush()
    return StoredOrder(order, created)


def _copy_facts(order: Order, received: ReceivedOrder) -> None:
    """Every fact the message carries; one it leaves empty keeps what an earlier one said,
    unless the message states every fact or clears that one."""
    facts, every = received.facts, received.states_every_fact
    for name in (
        "placer_number",
        "filler_number",
        "study_instance_uid",
        "patient_id",
        "patient_name",
        "reason",
        "ordering_physician",
        "patient_class",
        "patient_location",
        "requested_procedure",
        "scheduled_at",
        "order_status",
    ):
        value = getattr(facts, name)
        if value is not None or every or name in received.cleared:
            setattr(order, name, value)
    if facts.priority is not None or every or "priority" in received.cleared:
        order.priority = facts.priority.value if facts.priority else None
    if facts.reason_codes or every or "reason_codes" in received.cleared:
        order.reason_codes = list(facts.reason_codes)


def link_study(session: Session, order: Order) -> Study | None:
    """The order's study, linking the two if the study has arrived; None while it has not."""
    if order.study_id is not None:
        return session.get(Study, order.study_id)
    study = repository.study_of_order(session, order)
    if study is not None:
        order.study_id = study.id
        order.matched_at = datetime.now(UTC)
        session.flush()
    return study


def _question_of(order: Order) -> str | None:
    """The order's reason for study and its codes, as routing reads a clinical question."""
    codes = "; ".join(order.reason_codes or ())
    parts = [part for part in (order.reason, codes and f"codes: {codes}") if part]
    return "\n".join(parts) or None


def apply_orders(session: Session, study_ids: Sequence[int], settings: Settings) -> None:
    """A stability step: link waiting orders to these studies; their orders' facts win.

    The order's question and priority replace what the images' headers said: the RIS knows why
    the study was asked for better than a technologist's free text.
    """
    now = datetime.now(UTC)
    for order, study in repository.waiting_orders_for(session, study_ids):
        order.study_id, order.matched_at = study.id, now
    session.flush()
    orders_of: dict[Study, list[Order]] = defaultdict(list)
    for order in repository.orders_of_studies(session, study_ids):
        orders_of[session.get_one(Study, order.study_id)].append(order)
    for study, orders in orders_of.items():
        put_orders_on_study(study, orders)


def put_orders_on_study(study: Study, orders: Sequence[Order]) -> list[str]:
    """Give the study its active orders' facts, the latest order stating a fact winning; the
    names of the facts given or given back.

    A fact no active order gives any more (a change clearing it) is given back: the study asks
    again what its headers asked, and takes again the priority, patient class and location it
    had before an order gave them.
    """
    active = [order for order in orders if order.status == OrderStatus.ACTIVE.value]
    given: list[str] = []
    question = _latest(_question_of(order) for order in active)
    if question:
        give_question(study, question, ORDER_SOURCE)
        given.append("clinical_question")
    elif withdraw_question(study, ORDER_SOURCE):
        given.append("clinical_question")
    before = dict(study.facts_before_orders)
    for name, fact_of in _ORDER_FACTS_OF_STUDY.items():
        value = _latest(fact_of(order) for order in active)
        if value is not None:
            before.setdefault(name, getattr(study, name))
            setattr(study, name, value)
            given.append(name)
        elif name in before:
            setattr(study, name, before.pop(name))
            given.append(name)
    study.facts_before_orders = before
    return given


def forget_fact_before_orders(study: Study, name: str) -> None:
    """The study's `name` was set by hand: it is the study's own now, kept if orders stop
    giving it."""
    study.facts_before_orders = {
        fact: value for fact, value in study.facts_before_orders.items() if fact != name
    }


# The facts of a study an order gives, each read off the order.
_ORDER_FACTS_OF_STUDY: dict[str, Callable[[Order], str | None]] = {
    "requested_priority": lambda order: order.priority,
    "patient_class": lambda order: order.patient_class,
    # Cut to the width of the study's column.
    "patient_location": lambda order: (order.patient_location or "")[:64] or None,
}


def _latest(values: Iterable[str | None]) -> str | None:
    """The last value stated (the orders come oldest first)."""
    stated = [value for value in values if value]
    return stated[-1] if stated else None
