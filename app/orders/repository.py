"""Every query for orders and the HL7 messages already answered."""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from app.orders.models import Order, ReceivedMessage
from app.orders.records import OrderStatus, ReceivedOrder
from app.studies.models import Study


def order_by_accession(
    session: Session, accession_number: str, *, for_update: bool = False
) -> Order | None:
    query = select(Order).where(Order.accession_number == accession_number)
    if for_update:
        query = query.with_for_update()
    return session.scalars(query).one_or_none()


def add_order_unless_held(session: Session, received: ReceivedOrder) -> bool:
    """Insert the order of the accession number, unless it is held; whether this inserted it.

    The facts are the caller's to copy. An order a concurrent transaction is inserting is waited
    for, not inserted twice: two first messages of one accession number make one order.
    """
    values = {
        "accession_number": received.facts.accession_number,
        "source": received.source,
        "status": OrderStatus.ACTIVE.value,
        "last_control": received.control.value,
    }
    statement = (
        insert(Order).values(values).on_conflict_do_nothing(index_elements=[Order.accession_number])
    )
    return session.execute(statement.returning(Order.id)).first() is not None


def order_by_id(session: Session, order_id: int) -> Order | None:
    return session.get(Order, order_id)


def orders_of_studies(session: Session, study_ids: Sequence[int]) -> list[Order]:
    query = select(Order).where(Order.study_id.in_(study_ids)).order_by(Order.id)
    return list(session.scalars(query))


def order_of_study(session: Session, study_id: int) -> Order | None:
    query = select(Order).where(Order.study_id == study_id).order_by(Order.id.desc()).limit(1)
    return session.scalars(query).first()


def study_of_order(session: Session, order: Order) -> Study | None:
    """The study an order describes: by Study Instance UID, else accession (+ patient id)."""
    if order.study_instance_uid:
        by_uid = select(Study).where(Study.study_instance_uid == order.study_instance_uid)
        study = session.scalars(by_uid.with_for_update()).one_or_none()
        if study is not None:
            return study
    query = select(Study).where(Study.accession_number == order.accession_number)
    if order.patient_id:
        query = query.where(or_(Study.patient_id.is_(None), Study.patient_id == order.patient_id))
    return session.scalars(query.order_by(Study.id).limit(1).with_for_update()).first()


def waiting_orders_for(session: Session, study_ids: Sequence[int]) -> list[tuple[Order, Study]]:
    """Orders with no study yet that one of these studies answers, each with its study.

    By Study Instance UID, else by accession number when the patient ids do not differ.
    """
    same_patient = or_(
        Order.patient_id.is_(None), Study.patient_id.is_(None), Order.patient_id == Study.patient_id
    )
    meets = or_(
        Order.study_instance_uid == Study.study_instance_uid,
        and_(Order.accession_number == Study.accession_number, same_patient),
    )
    query = (
        select(Order, Study)
        .join(Study, meets)
        .where(Order.study_id.is_(None), Study.id.in_(study_ids))
        .order_by(Order.id)
        .with_for_update(of=Order, skip_locked=True)
    )
    pairs: dict[int, tuple[Order, Study]] = {}
    for order, study in session.execute(query).all():
        pairs.setdefault(order.id, (order, study))
    return list(pairs.values())


def unmatched_orders(session: Session, received_before: datetime, limit: int) -> list[Order]:
    """Active orders still without a study, received before the given time, oldest first."""
    query = (
        select(Order)
        .where(
            Order.study_id.is_(None),
            Order.status == OrderStatus.ACTIVE.value,
            Order.created_at < received_before,
        )
        .order_by(Order.created_at, Order.id)
        .limit(limit)
    )
    return list(session.scalars(query))


def remembered_answer(session: Session, sender: str, control_id: str) -> ReceivedMessage | None:
    return session.get(ReceivedMessage, (sender, control_id))


def remember_answer(session: Session, message: ReceivedMessage) -> bool:
    """Store the answer to a message; False when the same control id was answered already."""
    values = {
        "sender": message.sender,
        "control_id": message.control_id,
        "message_type": message.message_type,
        "ack_code": message.ack_code,
        "ack_text": message.ack_text,
        "received_at": message.received_at,
    }
    statement = insert(ReceivedMessage).values(values).on_conflict_do_nothing()
    return session.execute(statement.returning(ReceivedMessage.control_id)).first() is not None
