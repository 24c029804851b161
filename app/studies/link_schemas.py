"""What a patient link is asked with, and what it answers."""

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from app.request_body import RequestBody
from app.studies.models import PatientLink
from app.studies.patients import PatientIdentity


class PatientIn(RequestBody):
    patient_id: str = Field(min_length=1, max_length=64)
    # Who issued the id: an outside sender's issuer, or null for the hospital's own ids.
    issuer: str | None = Field(default=None, min_length=1, max_length=64)

    def identity(self) -> PatientIdentity:
        return PatientIdentity(self.patient_id, self.issuer)


class PatientLinkIn(RequestBody):
    patient: PatientIn
    same_as: PatientIn
    reason: str = Field(min_length=1, max_length=2000)


class PatientOut(BaseModel):
    patient_id: str
    issuer: str | None


class PatientLinkOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    patient: PatientOut
    same_as: PatientOut
    reason: str
    linked_by: str
    created_at: datetime

    @classmethod
    def of(cls, link: PatientLink) -> "PatientLinkOut":
        return cls(
            id=link.id,
            patient=PatientOut(patient_id=link.patient_id, issuer=link.patient_issuer),
            same_as=PatientOut(
                patient_id=link.linked_patient_id, issuer=link.linked_patient_issuer
            ),
            reason=link.reason,
            linked_by=link.linked_by,
            created_at=link.created_at,
        )
