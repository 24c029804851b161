"""What the API shows of a study: its facts, its series and how each was classified."""

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, computed_field, model_validator

from app.studies.models import Series, Study
from app.studies.person_names import display_name

# What a person's correction answers is as sure as an answer gets.
CORRECTED = "high"


class Classified(BaseModel):
    """How sure each answer is (`high`, `medium`, `low`), a corrected one as sure as its
    correction; and the correction itself, kept beside the machine's answer."""

    confidence: dict[str, str | None] = {}
    correction: dict[str, Any] | None = None

    @model_validator(mode="after")
    def _corrections_are_sure(self) -> "Classified":
        corrected = (self.correction or {}).keys() & self.confidence.keys()
        self.confidence = self.confidence | dict.fromkeys(corrected, CORRECTED)
        return self


class SeriesView(Classified):
    model_config = ConfigDict(from_attributes=True)

    series_instance_uid: str
    series_number: int | None
    modality: str | None
    series_description: str | None
    body_part_examined: str | None
    instance_count: int
    sequence: str | None
    plane: str | None
    fat_sat: bool | None
    contrast: bool | None
    classification_reasons: list[str]


class NamedPatient(BaseModel):
    """A patient's name as DICOM writes it, and as the pages show it."""

    patient_name: str | None

    @computed_field(  # type: ignore[prop-decorator]  # mypy cannot type a decorated property
        description="`patient_name` as the pages show it, e.g. `ROSSI, ANNA` for `ROSSI^ANNA`; "
        "`(no name)` when the study has none. `patient_name` keeps the DICOM form."
    )
    @property
    def patient_display_name(self) -> str:
        return display_name(self.patient_name)


class StudySummary(NamedPatient):
    model_config = ConfigDict(from_attributes=True)

    study_instance_uid: str
    patient_id: str | None
    # Who issued an outside study's patient id; None for the hospital's own ids.
    patient_issuer: str | None = None
    accession_number: str | None
    study_date: date | None
    study_description: str | None
    modalities: list[str]
    institution_name: str | None
    stable_at: datetime | None


class StudyView(StudySummary, Classified):
    patient_birth_date: date | None
    patient_sex: str | None
    body_part_examined: str | None
    referring_physician: str | None
    clinical_question: str | None
    requested_priority: str | None
    source_ae_title: str | None
    instance_count: int
    region: str | None
    question_categories: list[str]
    urgency: str | None
    classification_reasons: list[str]
    series: list[SeriesView]

    @classmethod
    def of(cls, study: Study, series: list[Series]) -> "StudyView":
        summary = StudySummary.model_validate(study).model_dump()
        rest = {name: getattr(study, name) for name in _DETAIL_FIELDS}
        return cls(**summary, **rest, series=[SeriesView.model_validate(item) for item in series])


class StudyPage(BaseModel):
    items: list[StudySummary]
    next_cursor: str | None


_DETAIL_FIELDS = tuple(set(StudyView.model_fields) - set(StudySummary.model_fields) - {"series"})
