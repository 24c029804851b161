"""Subspecialty pools and the radiologists who read for them."""

from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Identity,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, Timestamps, check_in

CREDENTIAL_KINDS = ("INSTITUTION", "STATE")


class Subspecialty(Base):
    __tablename__ = "subspecialties"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())


class Radiologist(Timestamps, Base):
    __tablename__ = "radiologists"
    __table_args__ = (CheckConstraint("max_open_tasks >= 0", name="max_open_tasks_not_negative"),)

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(server_default="true")
    on_duty: Mapped[bool] = mapped_column(server_default="false")
    shift_windows: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, server_default="[]")
    max_open_tasks: Mapped[int] = mapped_column(server_default="20")
    last_assigned_at: Mapped[datetime | None]


class RadiologistSubspecialty(Base):
    __tablename__ = "radiologist_subspecialties"

    radiologist_id: Mapped[int] = mapped_column(
        ForeignKey("radiologists.id", ondelete="CASCADE"), primary_key=True
    )
    subspecialty_code: Mapped[str] = mapped_column(
        ForeignKey("subspecialties.code"), primary_key=True, index=True
    )


class RadiologistCredential(Base):
    __tablename__ = "radiologist_credentials"
    __table_args__ = (
        UniqueConstraint("radiologist_id", "kind", "value"),
        CheckConstraint(check_in("kind", CREDENTIAL_KINDS), name="known_kind"),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    radiologist_id: Mapped[int] = mapped_column(ForeignKey("radiologists.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    value: Mapped[str] = mapped_column(Text)
