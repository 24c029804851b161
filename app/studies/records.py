"""Plain records of what a received instance says about its study, series and itself."""

from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any


@dataclass(frozen=True, slots=True)
class StudyFacts:
    study_instance_uid: str
    patient_id: str | None = None
    issuer_of_patient_id: str | None = None
    patient_name: str | None = None
    patient_birth_date: date | None = None
    patient_sex: str | None = None
    accession_number: str | None = None
    study_date: date | None = None
    study_time: time | None = None
    study_description: str | None = None
    body_part_examined: str | None = None
    institution_name: str | None = None
    referring_physician: str | None = None
    clinical_question: str | None = None
    question_sources: dict[str, str] = field(default_factory=dict)
    requested_priority: str | None = None
    patient_location: str | None = None


@dataclass(frozen=True, slots=True)
class SeriesFacts:
    series_instance_uid: str
    modality: str | None = None
    series_number: int | None = None
    series_description: str | None = None
    protocol_name: str | None = None
    body_part_examined: str | None = None
    header: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class InstanceFacts:
    sop_instance_uid: str
    sop_class_uid: str
    transfer_syntax_uid: str
    instance_number: int | None = None


@dataclass(frozen=True, slots=True)
class IdentifiedInstance:
    """What every instance must carry: its study, its series and its own identity."""

    study_instance_uid: str
    series_instance_uid: str
    instance: InstanceFacts
    orientation: tuple[float, ...] | None = None
    position: tuple[float, ...] | None = None
    image_type: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SeriesHeaderUpdate:
    """What a later instance adds to its series' header; None and () mean "nothing new"."""

    distinct_orientations: int | None = None
    orientation: tuple[float, ...] | None = None
    image_type: tuple[str, ...] = ()
    partition_step: float | None = None
    # The first image of a series recorded from an object without images: its header is to
    # replace the series' (`header`, read by whoever files the instance).
    first_image: bool = False
    header: dict[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class SeriesKey:
    """The rows a series' instances hang on, once its study and series are recorded."""

    study_id: int
    series_id: int


@dataclass(frozen=True, slots=True)
class ReceivedInstance:
    """Everything one instance's header tells us, decoded and ready for the database."""

    study: StudyFacts
    series: SeriesFacts
    instance: InstanceFacts


@dataclass(frozen=True, slots=True)
class Receipt:
    """How an instance reached us: where it is stored, its size, who sent it and when."""

    storage_path: str
    size_bytes: int
    source_ae_title: str | None
    received_at: datetime
    # From outside (DICOMweb, uploads, a sender named as outside): its patient ids are not ours.
    outside: bool = False
