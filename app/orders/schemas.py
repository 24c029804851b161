"""Orders as the API shows them."""

from datetime import datetime

from pydantic import BaseModel, ConfigDict


class OrderView(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    accession_number: str
    placer_number: str | None
    filler_number: str | None
    study_instance_uid: str | None
    patient_id: str | None
    status: str
    last_control: str
    priority: str | None
    reason: str | None
    reason_codes: list[str]
    ordering_physician: str | None
    patient_class: str | None
    patient_location: str | None
    requested_procedure: str | None
    scheduled_at: datetime | None
    source: str
    study_id: int | None
    matched_at: datetime | None
    created_at: datetime
    updated_at: datetime


class OrderList(BaseModel):
    items: list[OrderView]
