"""Rule sets, saved as immutable numbered versions."""

from datetime import datetime
from typing import Any

from sqlalchemy import Text, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base


class RuleSetVersion(Base):
    __tablename__ = "rule_set_versions"

    version: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    rules: Mapped[list[dict[str, Any]]] = mapped_column(JSONB)
    # The acuity of each question category; NULL (versions saved before it existed): shipped one.
    acuity: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    author: Mapped[str] = mapped_column(Text)
    comment: Mapped[str] = mapped_column(Text, server_default="")
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
