"""Outbox messages as the API shows them: where each went, and what the destination said."""

from datetime import datetime

from pydantic import BaseModel, ConfigDict


class DeliveryView(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    destination: str
    message_type: str
    control_id: str
    task_id: int | None
    report_id: int | None
    state: str
    attempts: int
    next_attempt_at: datetime
    ack_code: str | None
    last_error: str | None
    created_at: datetime
    sent_at: datetime | None


class DeliveryList(BaseModel):
    items: list[DeliveryView]
