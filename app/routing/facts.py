"""Study facts for the rule engine, read from what classification stored."""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.rules.engine import StudyFacts
from app.studies.models import Series, Study
from app.studies.queries import effective_sequence


def study_facts(study: Study, sequences: Iterable[str | None]) -> StudyFacts:
    """The facts of one classified study, given its series' sequence types."""
    return _facts(
        modalities=study.modalities,
        region=study.region,
        sequences=sequences,
        categories=study.question_categories,
        question=study.clinical_question,
        description=study.study_description,
        urgency=study.urgency,
        correction=study.correction,
        acuity_steps=study.acuity_steps,
        acuity_cue=study.acuity_cue,
        source_ae=study.source_ae_title,
        institution=study.institution_name,
        received_at=study.first_received_at,
    )


def recent_stable_facts(
    session: Session,
    *,
    last: int,
    stable_from: datetime | None = None,
    stable_to: datetime | None = None,
) -> list[tuple[str, StudyFacts]]:
    """(Study Instance UID, facts) of the latest stable studies, newest first, in one query."""
    sequences = (
        select(func.array_agg(effective_sequence()))
        .where(Series.study_id == Study.id)
        .correlate(Study)
        .scalar_subquery()
    )
    query = (
        select(
            Study.study_instance_uid,
            Study.modalities,
            Study.region,
            sequences.label("sequences"),
            Study.question_categories.label("categories"),
            Study.clinical_question.label("question"),
            Study.study_description.label("description"),
            Study.urgency,
            Study.correction,
            Study.acuity_steps,
            Study.acuity_cue,
            Study.source_ae_title.label("source_ae"),
            Study.institution_name.label("institution"),
            Study.first_received_at.label("received_at"),
        )
        .where(Study.stable_at.is_not(None))
        .order_by(Study.stable_at.desc(), Study.id.desc())
        .limit(last)
    )
    if stable_from is not None:
        query = query.where(Study.stable_at >= stable_from)
    if stable_to is not None:
        query = query.where(Study.stable_at < stable_to)
    return [(row.study_instance_uid, _facts(**row._mapping)) for row in session.execute(query)]


def _facts(
    *,
    modalities: Iterable[str] | None,
    region: str | None,
    sequences: Iterable[str | None] | None,
    categories: Iterable[str] | None,
    question: str | None,
    description: str | None,
    urgency: str | None,
    correction: dict[str, Any] | None,
    acuity_steps: int | None,
    acuity_cue: str | None,
    source_ae: str | None,
    institution: str | None,
    received_at: datetime | None,
    **_: Any,
) -> StudyFacts:
    corrected = correction or {}
    return StudyFacts(
        modalities=frozenset(modality.upper() for modality in modalities or () if modality),
        region=corrected.get("region") or region or "OTHER",
        sequences=frozenset(sequence for sequence in sequences or () if sequence),
        categories=frozenset(corrected.get("categories", categories) or ()),
        text=f"{question or ''}\n{description or ''}".lower(),
        urgency=corrected.get("urgency") or urgency or "ROUTINE",
        urgency_corrected="urgency" in corrected,
        acuity_steps=acuity_steps or 0,
        acuity_cue=acuity_cue or "",
        source_ae=(source_ae or "").strip(),
        institution=(institution or "").strip(),
        received_at=received_at,
    )
