"""What the task API takes and returns."""

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import Row

from app.request_body import RequestBody
from app.row_ids import RowId, RowVersion
from app.second_opinions.schemas import RequestChange
from app.studies.views import NamedPatient
from app.vocabulary import Concordance, Radpeer

QUESTION_SUMMARY_LENGTH = 80


class VersionIn(RequestBody):
    version: RowVersion = Field(
        description="The task version the caller last saw; 409 if it moved on"
    )


class HeartbeatIn(RequestBody):
    version: RowVersion | None = None


class ReportIn(VersionIn):
    findings: str = ""
    impression: str = ""
    critical: bool = False


class FinalizeIn(ReportIn):
    radpeer: Radpeer | None = Field(default=None, description="Required to finalize an over-read")
    radpeer_comment: str | None = None
    concordance: Concordance | None = Field(
        default=None,
        description="Required to finalize a second-opinion request sent with an outside report",
    )


class AssignIn(VersionIn):
    radiologist_id: RowId


class CancelIn(VersionIn):
    reason: str = ""


class TaskItem(NamedPatient):
    """One worklist row: what a reading-room list shows."""

    id: int
    kind: str
    primary_task_id: int | None
    study_instance_uid: str
    state: str
    subspecialty: str
    priority: str
    assignee_id: int | None
    assignee_name: str | None
    due_at: datetime
    overdue: bool
    version: int
    change_seq: int
    lease_expires_at: datetime | None
    radpeer: str | None
    patient_id: str | None
    patient_age: str | None
    patient_sex: str | None
    accession_number: str | None
    study_description: str | None
    modalities: list[str]
    region: str | None
    institution: str | None
    series_count: int
    sequence_summary: str | None
    question_summary: str | None
    created_at: datetime

    @classmethod
    def from_row(cls, row: Row[Any]) -> "TaskItem":
        fields = row._asdict()
        return cls(
            **fields,
            patient_age=age_of(row.patient_birth_date, row.study_date),
            institution=row.institution_name,
            question_summary=summarise(row.clinical_question),
        )


class TaskPage(BaseModel):
    items: list[TaskItem]
    next_cursor: str | None


class Changes(BaseModel):
    items: list[TaskItem]
    second_opinion_requests: list[RequestChange] = Field(
        default=[], description="Requests whose status changed (admin and integration only)"
    )
    cursor: str = Field(description="Pass as `since` next time")


def age_of(birth: date | None, on: date | None) -> str | None:
    """DICOM-style age at the study, e.g. "045Y"."""
    if birth is None:
        return None
    on = on or date.today()
    years = on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))
    return f"{max(years, 0):03d}Y"


def summarise(question: str | None) -> str | None:
    if question is None or len(question) <= QUESTION_SUMMARY_LENGTH:
        return question
    return question[: QUESTION_SUMMARY_LENGTH - 1].rstrip() + "…"
