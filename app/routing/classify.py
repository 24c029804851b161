"""The first step at stability: classify each series from its header, then the study."""

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from app.classification.acuity import setting_of, setting_of_class
from app.classification.confidence import urgency_confidence
from app.classification.question import classify_question
from app.classification.region import classify_region
from app.classification.sequence import classify_series
from app.classification.series_header import SeriesHeader
from app.classification.vocabulary import URGENCY_ORDER, Urgency
from app.routing import repository
from app.settings import Settings
from app.studies.models import Series, Study

# Requested Procedure Priority (0040,1003) values that ask for more than a routine read.
REQUESTED_URGENCY: dict[str, Urgency] = {"STAT": "STAT", "HIGH": "URGENT", "URGENT": "URGENT"}


def classify_studies(session: Session, study_ids: Sequence[int], settings: Settings) -> None:
    """Store each series' sequence, plane, fat sat and contrast; each study's region and question.

    The studies and their series are read in two queries and written in one statement per table.
    """
    studies = repository.studies(session, study_ids)
    series = repository.series_of(session, study_ids)
    now = datetime.now(UTC)
    repository.store_classification(
        session,
        studies=[_study_classification(study, series[study.id], now) for study in studies.values()],
        series=[
            _series_classification(one, study)
            for study in studies.values()
            for one in series[study.id]
        ],
    )


def _study_classification(study: Study, series: list[Series], now: datetime) -> dict[str, Any]:
    region = classify_region(
        study.body_part_examined or "",
        study.study_description or "",
        [one.series_description or "" for one in series],
        question=study.clinical_question or "",
    )
    question = classify_question(study.clinical_question or "")
    urgency, urgency_reason = _urgency(question.urgency, study)
    decided = bool(urgency_reason) or question.urgency != "ROUTINE"
    shift = question.acuity
    return {
        "id": study.id,
        "region": region.region,
        "question_categories": list(question.categories),
        "urgency": urgency,
        "acuity_steps": question.acuity.steps,
        "acuity_cue": question.acuity.cue or None,
        "classification_reasons": [*region.reasons, *question.reasons, *urgency_reason],
        "confidence": {
            "region": region.confidence,
            "categories": question.categories_confidence,
            "urgency": urgency_confidence(decided, question.categories, shift.steps, shift.mixed),
        },
        "classified_at": now,
    }


def _series_classification(series: Series, study: Study) -> dict[str, Any]:
    header = (
        SeriesHeader.from_json(series.header)
        if series.header
        else SeriesHeader(
            series_instance_uid=series.series_instance_uid,
            modality=series.modality or "",
            series_description=series.series_description or "",
            protocol_name=series.protocol_name or "",
            study_description=study.study_description or "",
            body_part_examined=series.body_part_examined or "",
        )
    )
    result = classify_series(header)
    return {
        "id": series.id,
        "sequence": result.sequence,
        "plane": result.plane,
        "fat_sat": result.fat_sat,
        "contrast": result.contrast,
        "classification_reasons": list(result.reasons),
        "confidence": result.confidence,
    }


def _urgency(from_question: Urgency, study: Study) -> tuple[Urgency, list[str]]:
    """The most urgent of the order's requested priority, the patient's setting (the order's
    patient class, then location) and the question's explicit cues; order facts are named
    first when they decide (DESIGN.md)."""
    candidates: list[tuple[Urgency, str]] = []
    requested, location = study.requested_priority, study.patient_location
    asked = REQUESTED_URGENCY.get((requested or "").strip().upper())
    if asked is not None:
        candidates.append((asked, f"the order's requested priority {requested} makes it {asked}"))
    class_setting = setting_of_class(study.patient_class or "")
    if class_setting is not None:
        reason = f"the order's patient class {study.patient_class} puts the patient in"
        candidates.append(("URGENT", f"{reason} {class_setting}, which makes it URGENT"))
    setting = setting_of(location or "")
    if setting is not None:
        candidates.append(
            ("URGENT", f"the patient is in {setting.words} ({location}), which makes it URGENT")
        )
    candidates.append((from_question, ""))
    urgency, reason = max(candidates, key=lambda pair: URGENCY_ORDER.index(pair[0]))
    return urgency, [reason] if reason else []
