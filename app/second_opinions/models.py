"""Second-opinion requests from outside: who asks, about which study, and how soon."""

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Identity, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, Timestamps, check_in
from app.vocabulary import Concordance, RequestStatus, ServiceLevel, values

UID = String(64)
# Request changes take their place in the same stream as task changes, so one change-feed
# cursor orders both (see `app.tasks.change_feed`).
CHANGE_SEQ = text("nextval('reading_task_change_seq')")
CHANGE_XID = text("pg_current_xact_id()::text::bigint")


class SecondOpinionRequest(Timestamps, Base):
    """One request; it waits for its study like an order, and then follows its reading task."""

    __tablename__ = "second_opinion_requests"
    __table_args__ = (
        CheckConstraint(check_in("status", values(RequestStatus)), name="known_status"),
        CheckConstraint(check_in("service_level", values(ServiceLevel)), name="known_level"),
        CheckConstraint(
            f"concordance IS NULL OR {check_in('concordance', values(Concordance))}",
            name="known_concordance",
        ),
        # One open request per study: its reading task answers one requester.
        Index(
            "uq_second_opinion_requests_open_study",
            "study_instance_uid",
            unique=True,
            postgresql_where=text("finalized_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    study_instance_uid: Mapped[str] = mapped_column(UID, index=True)
    study_id: Mapped[int | None] = mapped_column(ForeignKey("studies.id"), index=True)
    task_id: Mapped[int | None] = mapped_column(ForeignKey("reading_tasks.id"), unique=True)
    status: Mapped[str] = mapped_column(String(24))
    organisation: Mapped[str] = mapped_column(Text)
    contact_name: Mapped[str] = mapped_column(Text)
    contact_email: Mapped[str] = mapped_column(Text)
    clinical_question: Mapped[str] = mapped_column(Text)
    service_level: Mapped[str] = mapped_column(String(8))
    outside_report: Mapped[str | None] = mapped_column(Text)
    subspecialty: Mapped[str | None] = mapped_column(ForeignKey("subspecialties.code"))
    concordance: Mapped[str | None] = mapped_column(String(24))
    requested_by: Mapped[str] = mapped_column(Text)
    received_at: Mapped[datetime | None]
    finalized_at: Mapped[datetime | None]
    change_seq: Mapped[int] = mapped_column(BigInteger, server_default=CHANGE_SEQ, unique=True)
    change_xid: Mapped[int] = mapped_column(BigInteger, server_default=CHANGE_XID)
