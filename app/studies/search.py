"""Searching studies, series and instances by the matching keys of a DICOM query (PS3.4 C.2.2):
single values, `*`/`?` wildcards, date ranges and UID lists; no fuzzy matching."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from app.studies.models import Instance, Series, Study


@dataclass(frozen=True)
class Page:
    limit: int
    offset: int


EVERY = Page(limit=2**31, offset=0)


@dataclass(frozen=True)
class StudyMatch:
    patient_id: str | None = None
    patient_name: str | None = None
    accession_number: str | None = None
    study_dates: tuple[date | None, date | None] | None = None
    modality: str | None = None
    study_uids: tuple[str, ...] = ()


@dataclass(frozen=True)
class SeriesMatch:
    modality: str | None = None
    series_uids: tuple[str, ...] = ()
    series_number: int | None = None


def search_studies(session: Session, match: StudyMatch, page: Page) -> list[Study]:
    query = select(Study).where(*_study_conditions(match)).order_by(Study.id)
    return list(session.scalars(query.limit(page.limit).offset(page.offset)))


def search_series(
    session: Session, study_uid: str, match: SeriesMatch, page: Page
) -> list[tuple[Series, str]]:
    """Series of one study, each with its study's UID."""
    query = (
        select(Series, Study.study_instance_uid)
        .join(Study, Series.study_id == Study.id)
        .where(Study.study_instance_uid == study_uid, *_series_conditions(match))
        .order_by(Series.series_number.nulls_last(), Series.id)
    )
    return [
        (row[0], row[1]) for row in session.execute(query.limit(page.limit).offset(page.offset))
    ]


def search_instances(
    session: Session,
    study_uid: str,
    page: Page,
    series_uid: str | None = None,
    sop_instance_uid: str | None = None,
) -> list[tuple[Instance, str, str]]:
    """Instances of one study (of one series, or the one instance, when given), with their
    study's and series' UIDs."""
    query = (
        select(Instance, Study.study_instance_uid, Series.series_instance_uid)
        .join(Study, Instance.study_id == Study.id)
        .join(Series, Instance.series_id == Series.id)
        .where(Study.study_instance_uid == study_uid)
        .order_by(Series.id, Instance.instance_number.nulls_last(), Instance.id)
    )
    if series_uid is not None:
        query = query.where(Series.series_instance_uid == series_uid)
    if sop_instance_uid is not None:
        query = query.where(Instance.sop_instance_uid == sop_instance_uid)
    rows = session.execute(query.limit(page.limit).offset(page.offset))
    return [(row[0], row[1], row[2]) for row in rows]


def _study_conditions(match: StudyMatch) -> list[ColumnElement[bool]]:
    conditions = [
        *_text_match(Study.patient_id, match.patient_id),
        *_text_match(Study.patient_name, match.patient_name),
        *_text_match(Study.accession_number, match.accession_number),
    ]
    if match.study_dates is not None:
        earliest, latest = match.study_dates
        if earliest is not None:
            conditions.append(Study.study_date >= earliest)
        if latest is not None:
            conditions.append(Study.study_date <= latest)
    if match.modality:
        conditions.append(Study.modalities.contains([match.modality]))
    if match.study_uids:
        conditions.append(Study.study_instance_uid.in_(match.study_uids))
    return conditions


def _series_conditions(match: SeriesMatch) -> list[ColumnElement[bool]]:
    conditions = [*_text_match(Series.modality, match.modality)]
    if match.series_uids:
        conditions.append(Series.series_instance_uid.in_(match.series_uids))
    if match.series_number is not None:
        conditions.append(Series.series_number == match.series_number)
    return conditions


def _text_match(
    column: InstrumentedAttribute[str | None], value: str | None
) -> list[ColumnElement[bool]]:
    """Equal, or LIKE when the value holds `*` or `?` (the literal `%`, `_`, `\\` escaped)."""
    if not value:
        return []
    if "*" not in value and "?" not in value:
        return [column == value]
    escaped = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    pattern = escaped.replace("*", "%").replace("?", "_")
    return [column.like(pattern, escape="\\")]
