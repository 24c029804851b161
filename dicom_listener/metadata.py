"""What the listener reads from a DICOM header: Dataset in, plain `ReceivedInstance` out.

The only module of the listener that knows tag names, with `raw_identifiers`, its fast path
for the six values an instance of a recorded series needs. Text values come out decoded with the
dataset's SpecificCharacterSet (pydicom applies it when a value is read).
"""

import re
from collections.abc import Iterable, Iterator
from datetime import date, datetime, time
from io import BytesIO
from pathlib import Path
from typing import Any, BinaryIO

from pydicom import Dataset, dcmread
from pydicom.errors import InvalidDicomError

from app.classification.series_geometry import rounded_orientation
from app.classification.series_header import header_from_dataset
from app.studies.questions import combined_question
from app.studies.records import (
    IdentifiedInstance,
    InstanceFacts,
    ReceivedInstance,
    SeriesFacts,
    StudyFacts,
)
from app.vocabulary import Priority

_UID = re.compile(r"[0-9]+(\.[0-9]+)*")

# Where a referrer's question may be, in the order a reader would look (DESIGN.md).
QUESTION_KEYWORDS = (
    "ReasonForStudy",
    "ReasonForTheRequestedProcedure",
    "RequestedProcedureComments",
    "AdmittingDiagnosesDescription",
    "AdditionalPatientHistory",
)
QUESTION_CODE_SEQUENCES = (
    "ReasonForRequestedProcedureCodeSequence",
    "AdmittingDiagnosesCodeSequence",
)

# DICOM Requested Procedure Priority (0040,1003) onto our priorities.
_PRIORITIES = {
    "STAT": Priority.STAT,
    "HIGH": Priority.URGENT,
    "MEDIUM": Priority.ROUTINE,
    "ROUTINE": Priority.ROUTINE,
    "LOW": Priority.ROUTINE,
}


class UnusableDataset(Exception):
    """A dataset we cannot file: unreadable, or without valid Study/Series/SOP Instance UIDs."""


class UnreadableDataset(UnusableDataset):
    """The bytes do not parse as a DICOM dataset, or a value in it cannot be decoded."""


class MissingIdentifiers(UnusableDataset):
    """A Study, Series or SOP Instance UID is absent or not a valid UID."""


def read_header(source: Path | bytes | BinaryIO) -> Dataset:
    """Everything before the pixel data, from a file, an open file or bytes: the image is never
    decoded."""
    try:
        return dcmread(
            BytesIO(source) if isinstance(source, bytes) else source, stop_before_pixels=True
        )
    except (InvalidDicomError, EOFError, ValueError, TypeError, KeyError, IndexError) as error:
        raise UnreadableDataset(f"cannot parse dataset: {type(error).__name__}") from error
    except OSError as error:
        if error.errno is not None:  # the disk, not the dataset: the sender should retry
            raise
        # pydicom reports a broken element or item structure as an OSError without an errno.
        raise UnreadableDataset(f"cannot parse dataset: {error}") from error


def identify(ds: Dataset) -> IdentifiedInstance:
    """The UIDs and instance facts alone: all an instance of a known series needs."""
    try:
        return IdentifiedInstance(
            _uid(ds, "StudyInstanceUID"),
            _uid(ds, "SeriesInstanceUID"),
            _instance_facts(ds),
            _orientation(ds),
            _position(ds),
            image_type_tokens(ds.get("ImageType") or ()),
        )
    except UnusableDataset:
        raise
    except Exception as error:
        raise UnreadableDataset(f"cannot decode header: {type(error).__name__}") from error


def series_header(source: Path | BinaryIO) -> dict[str, Any]:
    """The classification header one stored instance gives its series; raises UnusableDataset."""
    ds = read_header(source)
    try:
        return header_from_dataset(ds).to_json()
    except Exception as error:  # a malformed value anywhere is the sender's fault
        raise UnreadableDataset(f"cannot decode header: {type(error).__name__}") from error


def received_instance(ds: Dataset) -> ReceivedInstance:
    """The study, series and instance facts of one header; raises UnusableDataset."""
    try:
        return ReceivedInstance(
            study=_study_facts(ds), series=_series_facts(ds), instance=_instance_facts(ds)
        )
    except UnusableDataset:
        raise
    except Exception as error:  # a malformed value anywhere is the sender's fault
        raise UnreadableDataset(f"cannot decode header: {type(error).__name__}") from error


def _study_facts(ds: Dataset) -> StudyFacts:
    sources = question_sources(ds)
    return StudyFacts(
        study_instance_uid=_uid(ds, "StudyInstanceUID"),
        patient_id=_text(ds, "PatientID", 64),
        issuer_of_patient_id=_text(ds, "IssuerOfPatientID", 64),
        patient_name=_text(ds, "PatientName"),
        patient_birth_date=_date(ds, "PatientBirthDate"),
        patient_sex=_text(ds, "PatientSex", 16),
        accession_number=_text(ds, "AccessionNumber", 64),
        study_date=_date(ds, "StudyDate"),
        study_time=_time(ds, "StudyTime"),
        study_description=_text(ds, "StudyDescription"),
        body_part_examined=_text(ds, "BodyPartExamined", 64),
        institution_name=_text(ds, "InstitutionName"),
        referring_physician=_text(ds, "ReferringPhysicianName"),
        clinical_question=combined_question(sources),
        question_sources=sources,
        requested_priority=_priority(ds),
        patient_location=_text(ds, "CurrentPatientLocation", 64),
    )


def _series_facts(ds: Dataset) -> SeriesFacts:
    return SeriesFacts(
        series_instance_uid=_uid(ds, "SeriesInstanceUID"),
        modality=_text(ds, "Modality", 16),
        series_number=_integer(ds, "SeriesNumber"),
        series_description=_text(ds, "SeriesDescription"),
        protocol_name=_text(ds, "ProtocolName"),
        body_part_examined=_text(ds, "BodyPartExamined", 64),
        header=header_from_dataset(ds).to_json(),
    )


def _instance_facts(ds: Dataset) -> InstanceFacts:
    meta = ds.file_meta
    return InstanceFacts(
        sop_instance_uid=_uid(ds, "SOPInstanceUID"),
        sop_class_uid=_uid(ds, "SOPClassUID"),
        transfer_syntax_uid=str(meta.TransferSyntaxUID),
        instance_number=_integer(ds, "InstanceNumber"),
    )


def question_sources(ds: Dataset) -> dict[str, str]:
    """Every clinical-question tag present, keyword (or `Sequence[i].Keyword`) → text."""
    sources = dict(_question_texts(ds, QUESTION_KEYWORDS, prefix=""))
    for index, item in enumerate(ds.get("RequestAttributesSequence") or []):
        prefix = f"RequestAttributesSequence[{index}]."
        sources.update(_question_texts(item, QUESTION_KEYWORDS, prefix))
    return sources


def _question_texts(
    ds: Dataset, keywords: tuple[str, ...], prefix: str
) -> Iterator[tuple[str, str]]:
    for keyword in keywords:
        text = _text(ds, keyword)
        if text:
            yield prefix + keyword, text
    for keyword in QUESTION_CODE_SEQUENCES:
        codes = [_code_text(item) for item in ds.get(keyword) or []]
        if any(codes):
            yield prefix + keyword, "; ".join(code for code in codes if code)


def _code_text(item: Dataset) -> str:
    """`I10:M54.2 Cervicalgia` from a code sequence item."""
    scheme, value, meaning = (
        _text(item, keyword) or ""
        for keyword in ("CodingSchemeDesignator", "CodeValue", "CodeMeaning")
    )
    code = f"{scheme}:{value}" if scheme and value else value
    return " ".join(part for part in (code, meaning) if part)


def _priority(ds: Dataset) -> str | None:
    candidates = [ds, *(ds.get("RequestAttributesSequence") or [])]
    for item in candidates:
        value = (_text(item, "RequestedProcedurePriority") or "").upper()
        if value in _PRIORITIES:
            return _PRIORITIES[value].value
    return None


def _value(ds: Dataset, keyword: str) -> Any:
    element = ds.get(keyword)
    return None if element is None or element == "" else element


def _text(ds: Dataset, keyword: str, limit: int | None = None) -> str | None:
    value = _value(ds, keyword)
    if value is None:
        return None
    if isinstance(value, list) or type(value).__name__ == "MultiValue":
        value = "\\".join(str(item) for item in value)
    text = str(value).replace("\x00", "").strip()
    return (text[:limit] if limit else text) or None


def _uid(ds: Dataset, keyword: str) -> str:
    value = _text(ds, keyword)
    if value is None or not is_valid_uid(value):
        raise MissingIdentifiers(f"missing or invalid {keyword}")
    return value


def is_valid_uid(value: str) -> bool:
    """Digits and dots, at most 64 characters (PS3.5 §9.1): safe in a storage path too."""
    return len(value) <= 64 and _UID.fullmatch(value) is not None


def _orientation(ds: Dataset) -> tuple[float, ...] | None:
    value = ds.get("ImageOrientationPatient")
    try:
        return rounded_orientation(value) if value else None
    except (TypeError, ValueError):
        return None


def _position(ds: Dataset) -> tuple[float, ...] | None:
    value = ds.get("ImagePositionPatient")
    try:
        return position_of(value) if isinstance(value, list | tuple) or _is_multi(value) else None
    except (TypeError, ValueError):
        return None


def _is_multi(value: Any) -> bool:
    return type(value).__name__ == "MultiValue"


def position_of(values: Iterable[str | float]) -> tuple[float, ...] | None:
    """ImagePositionPatient as three numbers, or None."""
    items = [item for item in values if str(item).strip()]
    return tuple(float(item) for item in items) if len(items) == 3 else None


def image_type_tokens(values: Iterable[str]) -> tuple[str, ...]:
    """ImageType values, upper-cased as the classifier reads them."""
    if isinstance(values, str):
        values = values.split("\\")
    return tuple(str(item).strip().upper() for item in values if str(item).strip())


def _integer(ds: Dataset, keyword: str) -> int | None:
    text = _text(ds, keyword)
    try:
        return int(float(text.split("\\")[0])) if text else None
    except ValueError:
        return None


def _date(ds: Dataset, keyword: str) -> date | None:
    text = _text(ds, keyword)
    try:
        return datetime.strptime(text[:8], "%Y%m%d").date() if text else None
    except ValueError:
        return None


def _time(ds: Dataset, keyword: str) -> time | None:
    text = (_text(ds, keyword) or "").replace(":", "").split(".")[0]
    if len(text) < 2 or not text.isdigit():
        return None
    padded = text[:6].ljust(6, "0")
    try:
        return time(int(padded[:2]), int(padded[2:4]), int(padded[4:6]))
    except ValueError:
        return None
