"""The audit trail as the API shows it."""

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict


class AuditEventOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    occurred_at: datetime
    actor: str
    role: str | None
    action: str
    object_type: str | None
    object_id: str | None
    outcome: str
    source_address: str | None
    details: dict[str, Any]


class AuditPage(BaseModel):
    events: list[AuditEventOut]
    next_cursor: int | None
