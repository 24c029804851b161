"""Studies, series and instances as received over DICOM."""

from datetime import date, datetime, time
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Identity,
    Index,
    SmallInteger,
    String,
    Text,
    Time,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, Timestamps

UID = String(64)


class Study(Timestamps, Base):
    __tablename__ = "studies"
    __table_args__ = (
        Index(
            "ix_studies_awaiting_stability",
            "last_received_at",
            postgresql_where=text("stable_at IS NULL"),
        ),
        Index("ix_studies_stable_at", "stable_at"),
        Index(
            "ix_studies_changed_after_stable",
            "changed_after_stable_at",
            postgresql_where=text("changed_after_stable_at IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    study_instance_uid: Mapped[str] = mapped_column(UID, unique=True)
    patient_id: Mapped[str | None] = mapped_column(String(64), index=True)
    # Who issued an outside study's patient id (Issuer of Patient ID, else the sender's name);
    # None for local studies, whose ids are the hospital's own.
    patient_issuer: Mapped[str | None] = mapped_column(String(64))
    patient_name: Mapped[str | None] = mapped_column(Text)
    patient_birth_date: Mapped[date | None] = mapped_column(Date)
    patient_sex: Mapped[str | None] = mapped_column(String(16))
    accession_number: Mapped[str | None] = mapped_column(String(64), index=True)
    study_date: Mapped[date | None] = mapped_column(Date)
    study_time: Mapped[time | None] = mapped_column(Time)
    study_description: Mapped[str | None] = mapped_column(Text)
    modalities: Mapped[list[str]] = mapped_column(ARRAY(String(16)), server_default="{}")
    body_part_examined: Mapped[str | None] = mapped_column(String(64))
    institution_name: Mapped[str | None] = mapped_column(Text)
    referring_physician: Mapped[str | None] = mapped_column(Text)
    clinical_question: Mapped[str | None] = mapped_column(Text)
    question_sources: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default="{}")
    requested_priority: Mapped[str | None] = mapped_column(String(16))
    patient_location: Mapped[str | None] = mapped_column(String(64))
    patient_class: Mapped[str | None] = mapped_column(String(16))
    # What the study said of each fact an order now gives it (requested_priority, patient_class,
    # patient_location), given back when no order gives that fact any more.
    facts_before_orders: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default="{}")
    source_ae_title: Mapped[str | None] = mapped_column(String(16))
    instance_count: Mapped[int] = mapped_column(server_default="0")
    first_received_at: Mapped[datetime | None]
    last_received_at: Mapped[datetime | None]
    stable_at: Mapped[datetime | None]
    changed_after_stable_at: Mapped[datetime | None]
    region: Mapped[str | None] = mapped_column(String(32))
    question_categories: Mapped[list[str]] = mapped_column(ARRAY(String(48)), server_default="{}")
    urgency: Mapped[str | None] = mapped_column(String(16))
    acuity_steps: Mapped[int] = mapped_column(SmallInteger, server_default="0")
    acuity_cue: Mapped[str | None] = mapped_column(Text)
    # A person's correction of region, categories or urgency, beside the machine's answer.
    correction: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    # How sure the machine is of its region, categories and urgency: high, medium or low.
    confidence: Mapped[dict[str, str | None]] = mapped_column(JSONB, server_default="{}")
    classification_reasons: Mapped[list[str]] = mapped_column(JSONB, server_default="[]")
    classified_at: Mapped[datetime | None]


class Series(Timestamps, Base):
    __tablename__ = "series"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    study_id: Mapped[int] = mapped_column(ForeignKey("studies.id", ondelete="CASCADE"), index=True)
    series_instance_uid: Mapped[str] = mapped_column(UID, unique=True)
    modality: Mapped[str | None] = mapped_column(String(16))
    series_number: Mapped[int | None]
    series_description: Mapped[str | None] = mapped_column(Text)
    protocol_name: Mapped[str | None] = mapped_column(Text)
    body_part_examined: Mapped[str | None] = mapped_column(String(64))
    header: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default="{}")
    instance_count: Mapped[int] = mapped_column(server_default="0")
    sequence: Mapped[str | None] = mapped_column(String(32))
    plane: Mapped[str | None] = mapped_column(String(16))
    fat_sat: Mapped[bool | None]
    contrast: Mapped[bool | None]
    classification_reasons: Mapped[list[str]] = mapped_column(JSONB, server_default="[]")
    # A person's correction of sequence, plane or fat suppression, beside the machine's answer.
    correction: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    # How sure the machine is of its sequence, plane and fat suppression: high, medium or low.
    confidence: Mapped[dict[str, str | None]] = mapped_column(JSONB, server_default="{}")


class Instance(Base):
    __tablename__ = "instances"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    study_id: Mapped[int] = mapped_column(ForeignKey("studies.id", ondelete="CASCADE"), index=True)
    series_id: Mapped[int] = mapped_column(ForeignKey("series.id", ondelete="CASCADE"), index=True)
    sop_instance_uid: Mapped[str] = mapped_column(UID, unique=True)
    sop_class_uid: Mapped[str] = mapped_column(UID)
    transfer_syntax_uid: Mapped[str] = mapped_column(UID)
    instance_number: Mapped[int | None]
    storage_path: Mapped[str] = mapped_column(Text)
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    source_ae_title: Mapped[str | None] = mapped_column(String(16))
    received_at: Mapped[datetime] = mapped_column(index=True)


class PatientLink(Base):
    """Two patient ids an admin said are one patient (an outside id and a local one, say):
    their studies are each other's priors."""

    __tablename__ = "patient_links"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    patient_id: Mapped[str] = mapped_column(String(64), index=True)
    patient_issuer: Mapped[str | None] = mapped_column(String(64))
    linked_patient_id: Mapped[str] = mapped_column(String(64), index=True)
    linked_patient_issuer: Mapped[str | None] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(Text)
    linked_by: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())


class ListenerStart(Base):
    """When a listener last finished reconciling its storage at start, from which studies'
    quiet periods count: one row."""

    __tablename__ = "listener_starts"
    __table_args__ = (CheckConstraint("id = 1", name="one_row"),)

    id: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    started_at: Mapped[datetime]


class Reconciliation(Base):
    """A listener reconciling its storage, since when: while any does, only studies whose first
    image came after the latest one began may be judged quiet. A listener that dies while
    reconciling leaves its row, older than any later one's."""

    __tablename__ = "reconciliations"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    began_at: Mapped[datetime]
