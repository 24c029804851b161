"""What an upload answers: instances stored per study and series, each study with what a person
recognises it by (patient, date, modality, description), and every file let go, why."""

from collections.abc import Mapping
from datetime import datetime

from pydantic import BaseModel

from app.intake.uploads import UploadOutcome
from app.studies.models import Study
from app.studies.views import StudySummary


class SeriesStored(BaseModel):
    series_instance_uid: str
    instances: int


class StudyStored(StudySummary):
    series: list[SeriesStored]

    @classmethod
    def of(cls, study: Study, series: list[SeriesStored]) -> "StudyStored":
        return cls(**dict(StudySummary.model_validate(study)), series=series)


class FileLetGo(BaseModel):
    name: str
    reason: str


class UploadAnswer(BaseModel):
    stored: int
    studies: list[StudyStored]
    skipped: list[FileLetGo]
    refused: list[FileLetGo]

    @classmethod
    def of(cls, outcome: UploadOutcome, rows: Mapping[str, Study]) -> "UploadAnswer":
        """`rows`: the stored studies by Study Instance UID, as the database holds them now."""
        studies: dict[str, list[SeriesStored]] = {}
        for (study, series), count in outcome.series.items():
            studies.setdefault(study, []).append(
                SeriesStored(series_instance_uid=series, instances=count)
            )
        return cls(
            stored=sum(outcome.series.values()),
            studies=[StudyStored.of(rows[uid], s) for uid, s in studies.items()],
            skipped=[FileLetGo(name=p.name, reason=p.reason) for p in outcome.skipped],
            refused=[FileLetGo(name=p.name, reason=p.reason) for p in outcome.refused],
        )


class QuarantinedOut(BaseModel):
    """A dataset refused at ingest: its name in the quarantine, why, its size and when."""

    name: str
    reason: str
    size: int
    quarantined_at: datetime


class QuarantineList(BaseModel):
    datasets: list[QuarantinedOut]


class ReingestAnswer(BaseModel):
    """`status` is the DICOM status filing answered; `stored` when it left the quarantine
    stored, else refused again (back under a new name) or deferred (0xA700: kept as it was)."""

    name: str
    status: str
    detail: str
    stored: bool
