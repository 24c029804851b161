"""Orders from the RIS or EHR, and the HL7 messages already acknowledged."""

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Identity, Index, String, Text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, Timestamps, check_in
from app.orders.records import OrderStatus
from app.vocabulary import values


class Order(Timestamps, Base):
    """One order per accession number; it waits for its study, or its study waits for it."""

    __tablename__ = "orders"
    __table_args__ = (
        CheckConstraint(check_in("status", values(OrderStatus)), name="known_status"),
        Index("ix_orders_waiting", "created_at", postgresql_where="study_id IS NULL"),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    accession_number: Mapped[str] = mapped_column(String(64), unique=True)
    placer_number: Mapped[str | None] = mapped_column(String(64))
    filler_number: Mapped[str | None] = mapped_column(String(64))
    study_instance_uid: Mapped[str | None] = mapped_column(String(64), index=True)
    patient_id: Mapped[str | None] = mapped_column(String(64))
    patient_name: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))
    last_control: Mapped[str] = mapped_column(String(2))
    priority: Mapped[str | None] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(Text)
    reason_codes: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default="{}")
    ordering_physician: Mapped[str | None] = mapped_column(Text)
    patient_class: Mapped[str | None] = mapped_column(String(16))
    patient_location: Mapped[str | None] = mapped_column(Text)
    requested_procedure: Mapped[str | None] = mapped_column(Text)
    scheduled_at: Mapped[datetime | None]
    order_status: Mapped[str | None] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(String(8))
    study_id: Mapped[int | None] = mapped_column(ForeignKey("studies.id"), index=True)
    matched_at: Mapped[datetime | None]


class ReceivedMessage(Base):
    """An HL7 message already answered: the same control id sent again gets the same answer."""

    __tablename__ = "hl7_received_messages"

    sender: Mapped[str] = mapped_column(Text, primary_key=True)
    control_id: Mapped[str] = mapped_column(String(199), primary_key=True)
    message_type: Mapped[str] = mapped_column(String(16))
    ack_code: Mapped[str] = mapped_column(String(2))
    ack_text: Mapped[str | None] = mapped_column(Text)
    received_at: Mapped[datetime]
