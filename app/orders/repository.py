"""Every query for orders and the HL7 messages already answered."""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from app.orders.models import Order, ReceivedMessage
from app.orders.records import OrderStatus
from app.studies.models import Study


def order_by_accession(
    session: Session, accession_number: str, *, for_update: bool = False
) -> Order | None:
    query = select(Order).where(Order.accession_number == accession_number)
    if for_update:
        query = query.with_for_update()
    return session.scalars(query).one_or_none()


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


def waiting_orders_for(session: Session, studies: Sequence[Study]) -> list[tuple[Order, Study]]:
    """Orders with no study yet that one of these studies answers, each with its study."""
    by_uid = {study.study_instance_uid: study for study in studies}
    by_accession = {study.accession_number: study for study in studies if study.accession_number}
    if not by_uid and not by_accession:
        return []
    query = select(Order).where(
        Order.study_id.is_(None),
        or_(
            Order.study_instance_uid.in_(list(by_uid)),
            Order.accession_number.in_(list(by_accession)),
        ),
    )
    pairs = []
    for order in session.scalars(query.with_for_update(skip_locked=True)):
        study = by_uid.get(order.study_instance_uid or "") or by_accession.get(
            order.accession_number
        )
        if study is not None and _same_patient(order, study):
            pairs.append((order, study))
    return pairs


def _same_patient(order: Order, study: Study) -> bool:
    if order.study_instance_uid == study.study_instance_uid:
        return True
    return not (order.patient_id and study.patient_id) or order.patient_id == study.patient_id


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
