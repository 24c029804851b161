"""What an upload answers: instances stored per study and series, and every file let go, why."""

from pydantic import BaseModel

from app.intake.uploads import UploadOutcome


class SeriesStored(BaseModel):
    series_instance_uid: str
    instances: int


class StudyStored(BaseModel):
    study_instance_uid: str
    series: list[SeriesStored]


class FileLetGo(BaseModel):
    name: str
    reason: str


class UploadAnswer(BaseModel):
    stored: int
    studies: list[StudyStored]
    skipped: list[FileLetGo]
    refused: list[FileLetGo]

    @classmethod
    def of(cls, outcome: UploadOutcome) -> "UploadAnswer":
        studies: dict[str, list[SeriesStored]] = {}
        for (study, series), count in outcome.series.items():
            studies.setdefault(study, []).append(
                SeriesStored(series_instance_uid=series, instances=count)
            )
        return cls(
            stored=sum(outcome.series.values()),
            studies=[StudyStored(study_instance_uid=uid, series=s) for uid, s in studies.items()],
            skipped=[FileLetGo(name=p.name, reason=p.reason) for p in outcome.skipped],
            refused=[FileLetGo(name=p.name, reason=p.reason) for p in outcome.refused],
        )
