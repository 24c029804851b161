"""Second-opinion requests as a requester sends them and reads them back."""

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from app.request_body import RequestBody
from app.vocabulary import Concordance, RequestStatus, ServiceLevel, SubspecialtyCode

StudyUid = Annotated[str, StringConstraints(pattern=r"^[0-9]+(\.[0-9]+)*$", max_length=64)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=10_000)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Email = Annotated[
    str,
    StringConstraints(strip_whitespace=True, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", max_length=254),
]


class Requester(RequestBody):
    organisation: Name
    contact_name: Name
    contact_email: Email


class SecondOpinionRequestIn(RequestBody):
    study_instance_uid: StudyUid = Field(description="Stored already, or still to come")
    requester: Requester
    clinical_question: Text
    service_level: ServiceLevel = Field(description="How soon the report is due: 24h, 48h, 72h")
    outside_report: Text | None = Field(
        default=None, description="The report already written elsewhere, if any"
    )
    subspecialty: SubspecialtyCode | None = Field(
        default=None, description="The pool wanted to read it; else the routing rules choose"
    )


class Addendum(BaseModel):
    findings: str
    impression: str
    signed_at: datetime


class FinalReport(BaseModel):
    findings: str
    impression: str
    reader_name: str | None
    reader_subspecialty: str
    concordance: Concordance | None = Field(
        description="Against the outside report; null when none was sent"
    )
    signed_at: datetime
    addenda: list[Addendum] = Field(default=[], description="Added after the final, oldest first")


class SecondOpinionRequestView(BaseModel):
    id: int
    status: RequestStatus
    study_instance_uid: str
    requester: Requester
    clinical_question: str
    service_level: ServiceLevel
    subspecialty: str | None = Field(description="The pool asked for, if one was")
    outside_report: str | None
    task_id: int | None = Field(description="The reading task, once the study is routed")
    due_at: datetime | None = Field(description="Set when the study is routed")
    received_at: datetime | None
    finalized_at: datetime | None
    created_at: datetime
    report: FinalReport | None = Field(description="Once final")


class SecondOpinionRequestList(BaseModel):
    items: list[SecondOpinionRequestView]
    next_cursor: int | None = Field(description="Pass as `cursor` for the next page")


class RequestOnTask(BaseModel):
    """The outside request a reading task answers, as its reader sees it."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    status: RequestStatus
    organisation: str
    service_level: ServiceLevel
    clinical_question: str
    outside_report: str | None


class RequestChange(BaseModel):
    """A request whose status changed, as the change feed lists it."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    status: RequestStatus
    task_id: int | None
    study_instance_uid: str
