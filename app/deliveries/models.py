"""The outbox: messages written with the change that causes them, sent later by the worker."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Identity, Index, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, check_in
from app.vocabulary import values


class DeliveryState(StrEnum):
    PENDING = "PENDING"  # not yet acknowledged; retried with back-off
    SENT = "SENT"  # acknowledged: AA, or a webhook's 2xx
    REJECTED = "REJECTED"  # refused (AE, AR, a webhook's 4xx): kept with the reason, not resent


class OutboxMessage(Base):
    __tablename__ = "outbox_messages"
    __table_args__ = (
        CheckConstraint(check_in("state", values(DeliveryState)), name="known_state"),
        Index(
            "ix_outbox_messages_pending",
            "destination",
            "id",
            postgresql_where="state = 'PENDING'",
        ),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    destination: Mapped[str] = mapped_column(Text)
    message_type: Mapped[str] = mapped_column(String(16))
    task_id: Mapped[int | None] = mapped_column(ForeignKey("reading_tasks.id"), index=True)
    report_id: Mapped[int | None] = mapped_column(ForeignKey("task_reports.id"))
    control_id: Mapped[str] = mapped_column(String(64))
    payload: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16), server_default=DeliveryState.PENDING.value)
    attempts: Mapped[int] = mapped_column(server_default="0")
    next_attempt_at: Mapped[datetime] = mapped_column(server_default=func.now())
    last_error: Mapped[str | None] = mapped_column(Text)
    ack_code: Mapped[str | None] = mapped_column(String(3))  # HL7 MSA-1, or an HTTP status
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    sent_at: Mapped[datetime | None]
