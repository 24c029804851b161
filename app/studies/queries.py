"""Read-side queries on studies for the API: lookups, lists, series and prior studies."""

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from app.studies.models import Series, Study
from app.studies.patients import identity_of, same_patient, studies_of

PRIORS_SHOWN = 20


def study_by_uid(
    session: Session, study_instance_uid: str, *, for_update: bool = False
) -> Study | None:
    query = select(Study).where(Study.study_instance_uid == study_instance_uid)
    if for_update:
        query = query.with_for_update()
    return session.scalars(query).one_or_none()


def studies_by_uid(session: Session, study_instance_uids: list[str]) -> dict[str, Study]:
    query = select(Study).where(Study.study_instance_uid.in_(study_instance_uids))
    return {study.study_instance_uid: study for study in session.scalars(query)}


def series_of(session: Session, study_id: int) -> list[Series]:
    query = (
        select(Series)
        .where(Series.study_id == study_id)
        .order_by(Series.series_number.nulls_last(), Series.id)
    )
    return list(session.scalars(query))


def priors_of(session: Session, study: Study) -> list[Study]:
    """Other studies of the same patient, newest first: the same patient id from the same
    issuer, or one an admin linked to it."""
    identity = identity_of(study)
    if identity is None:
        return []
    query = (
        select(Study)
        .where(studies_of(same_patient(session, identity)), Study.id != study.id)
        .order_by(Study.study_date.desc().nulls_last(), Study.id.desc())
        .limit(PRIORS_SHOWN)
    )
    return list(session.scalars(query))


def studies_page(
    session: Session,
    *,
    patient_id: str | None,
    accession_number: str | None,
    after_id: int | None,
    limit: int,
) -> list[Study]:
    """Studies newest first, `limit` of them after the cursor."""
    query = select(Study).order_by(Study.id.desc()).limit(limit)
    if patient_id:
        query = query.where(Study.patient_id == patient_id)
    if accession_number:
        query = query.where(Study.accession_number == accession_number)
    if after_id is not None:
        query = query.where(Study.id < after_id)
    return list(session.scalars(query))


def effective_sequence() -> ColumnElement[str | None]:
    """A series' sequence type as routing reads it: a person's correction, else the machine's."""
    return func.coalesce(Series.correction["sequence"].astext, Series.sequence)
