"""The worklist reading rooms poll: filtered, sorted, paged rows and a cheap fingerprint of them."""

import base64
import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Row,
    Select,
    and_,
    case,
    func,
    literal_column,
    or_,
    select,
    tuple_,
)
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.orm import InstrumentedAttribute, Session

from app.errors import Invalid
from app.people.models import Radiologist, RadiologistSubspecialty
from app.studies.models import Series, Study
from app.tasks.models import ReadingTask
from app.tasks.repository import OPEN_STATE_NAMES, PRIORITY_RANK
from app.tasks.service_levels import RANK_OF_PRIORITY

T = ReadingTask
KNOWN_PLANES = ("AX", "SAG", "COR", "3D")


def overdue_now(task: Any) -> ColumnElement[bool]:
    """Marked overdue, or open past its due time: `task` is the table or rows standing for it."""
    return or_(task.overdue, and_(task.state.in_(OPEN_STATE_NAMES), task.due_at < func.now()))


OVERDUE_NOW = overdue_now(T)


@dataclass(frozen=True, slots=True)
class WorklistFilter:
    states: Sequence[str] = ()
    subspecialties: Sequence[str] = ()
    priorities: Sequence[str] = ()
    kinds: Sequence[str] = ()
    assignee_id: int | None = None
    unassigned_only: bool = False
    modality: str | None = None
    region: str | None = None
    institution: str | None = None
    overdue: bool | None = None
    text: str | None = None
    # A radiologist sees their pools and their own tasks.
    visible_to_radiologist: int | None = None

    def conditions(self) -> list[ColumnElement[bool]]:
        found = [*self._task_conditions(), *self._study_conditions()]
        if self.visible_to_radiologist is not None:
            pools = select(RadiologistSubspecialty.subspecialty_code).where(
                RadiologistSubspecialty.radiologist_id == self.visible_to_radiologist
            )
            found.append(
                or_(T.assignee_id == self.visible_to_radiologist, T.subspecialty.in_(pools))
            )
        return found

    @property
    def needs_study(self) -> bool:
        return bool(self._study_conditions())

    def _task_conditions(self) -> list[ColumnElement[bool]]:
        found: list[ColumnElement[bool]] = []
        for column, wanted in (
            (T.state, self.states),
            (T.subspecialty, self.subspecialties),
            (T.priority, self.priorities),
            (T.kind, self.kinds),
        ):
            if wanted:
                found.append(column.in_(list(wanted)))
        if self.assignee_id is not None:
            found.append(T.assignee_id == self.assignee_id)
        if self.unassigned_only:
            found.append(T.assignee_id.is_(None))
        if self.overdue is not None:
            found.append(OVERDUE_NOW if self.overdue else ~OVERDUE_NOW)
        return found

    def _study_conditions(self) -> list[ColumnElement[bool]]:
        found: list[ColumnElement[bool]] = []
        if self.modality:
            found.append(Study.modalities.contains([self.modality]))
        if self.region:
            found.append(Study.region == self.region)
        if self.institution:
            found.append(Study.institution_name == self.institution)
        if self.text:
            pattern = "%" + self.text.replace("\\", "\\\\").replace("%", r"\%").replace("_", r"\_")
            pattern += "%"
            found.append(
                or_(
                    Study.patient_id.ilike(pattern),
                    Study.accession_number.ilike(pattern),
                    Study.study_description.ilike(pattern),
                )
            )
        return found


@dataclass(frozen=True, slots=True)
class SortKey:
    column: ColumnElement[Any] | InstrumentedAttribute[Any]
    read: Callable[[Row[Any]], Any]  # the row's value, as JSON for a cursor
    decode: Callable[[Any], Any]  # and back from the cursor


def _text_key(name: str) -> SortKey:
    return SortKey(getattr(T, name), lambda row: getattr(row, name), str)


def _time_key(name: str) -> SortKey:
    return SortKey(
        getattr(T, name), lambda row: getattr(row, name).isoformat(), datetime.fromisoformat
    )


def _study_text_key(column: Any, read: Callable[[Row[Any]], str | None]) -> SortKey:
    """A text column that may be empty: sorted as "" so a cursor can pass it."""
    return SortKey(func.coalesce(column, ""), lambda row: read(row) or "", str)


_ID = SortKey(T.id, lambda row: row.id, int)
_RANK = SortKey(PRIORITY_RANK, lambda row: RANK_OF_PRIORITY[row.priority], int)
SORTS: dict[str, tuple[SortKey, ...]] = {
    "urgency": (_RANK, _time_key("due_at"), _ID),
    "due_at": (_time_key("due_at"), _ID),
    "created_at": (_time_key("created_at"), _ID),
    "state": (_text_key("state"), _ID),
    "subspecialty": (_text_key("subspecialty"), _ID),
    "priority": (_RANK, _ID),
    "id": (_ID,),
    "patient": (_study_text_key(Study.patient_name, lambda row: row.patient_name), _ID),
    "modality": (_study_text_key(Study.modalities[1], lambda row: _first(row.modalities)), _ID),
    "description": (_study_text_key(Study.study_description, lambda r: r.study_description), _ID),
    "question": (_study_text_key(Study.clinical_question, lambda r: r.clinical_question), _ID),
    "assignee": (_study_text_key(Radiologist.name, lambda row: row.assignee_name), _ID),
}
SORT_NAMES = sorted([*SORTS, *(f"-{name}" for name in SORTS)])


def _first(values: list[str] | None) -> str | None:
    return values[0] if values else None


def _series_count() -> ColumnElement[int]:
    query = select(func.count()).where(Series.study_id == Study.id)
    return query.correlate(Study).scalar_subquery()


def _sequence_summary() -> ColumnElement[str]:
    """E.g. "SAG T1, SAG T2, AX T2": what each series is, in series order, localizers left out."""
    plane = case((Series.plane.in_(KNOWN_PLANES), Series.plane))
    label = case(
        (Series.sequence.is_(None), Series.series_description),
        else_=func.concat_ws(" ", plane, Series.sequence),
    )
    order: Any = aggregate_order_by(literal_column("', '"), Series.series_number, Series.id)
    query = select(func.string_agg(label, order)).where(
        Series.study_id == Study.id, Series.sequence.is_distinct_from("LOCALIZER")
    )
    return query.correlate(Study).scalar_subquery()


_STUDY_COLUMNS = (
    Study.study_instance_uid, Study.patient_name, Study.patient_id, Study.patient_birth_date,
    Study.patient_sex, Study.accession_number, Study.study_date, Study.study_description,
    Study.modalities, Study.region, Study.institution_name, Study.clinical_question,
    Radiologist.name.label("assignee_name"),
    _series_count().label("series_count"), _sequence_summary().label("sequence_summary"),
)  # fmt: skip


def item_query(task: Any = T) -> Select[*tuple[Any, ...]]:
    """Worklist rows of `task`: the table, or a statement's rows aliased as the table."""
    task_columns = (
        task.id, task.kind, task.primary_task_id, task.state, task.subspecialty, task.priority,
        task.assignee_id, task.due_at, overdue_now(task).label("overdue"), task.version,
        task.change_seq, task.lease_expires_at, task.radpeer, task.created_at, task.updated_at,
    )  # fmt: skip
    return (
        select(*task_columns, *_STUDY_COLUMNS)
        .join(Study, Study.id == task.study_id)
        .outerjoin(Radiologist, Radiologist.id == task.assignee_id)
    )


def page(
    session: Session, where: WorklistFilter, sort: str, cursor: str | None, limit: int
) -> tuple[list[Row[Any]], str | None]:
    """One page of worklist rows and the cursor of the next page (None on the last)."""
    descending = sort.startswith("-")
    keys = SORTS[sort.lstrip("-")]
    columns = [key.column for key in keys]
    query = item_query().where(*where.conditions())
    if cursor is not None:
        after = tuple_(*columns)
        bound = tuple_(*_decode_cursor(cursor, keys))
        query = query.where(after < bound if descending else after > bound)
    order: list[Any] = [column.desc() if descending else column.asc() for column in columns]
    rows = list(session.execute(query.order_by(*order).limit(limit + 1)))
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    last = [key.read(rows[-1]) for key in keys]
    return rows, base64.urlsafe_b64encode(json.dumps(last).encode()).decode()


def fingerprint(session: Session, where: WorklistFilter, request_key: str) -> str:
    """An ETag that changes when any row of the filtered set changes, joins or leaves it.

    One small aggregate instead of rendering the body: the newest change number, the count, and
    how many are overdue by now (time alone makes a task overdue, with no change number).
    """
    query = select(func.max(T.change_seq), func.count(), func.count().filter(OVERDUE_NOW))
    query = query.select_from(T)
    if where.needs_study:
        query = query.join(Study, Study.id == T.study_id)
    newest, count, overdue = session.execute(query.where(*where.conditions())).one()
    digest = hashlib.sha256(f"{request_key}|{newest}|{count}|{overdue}".encode()).hexdigest()
    return f'W/"{digest[:24]}"'


def item(session: Session, task_id: int) -> Row[Any] | None:
    return session.execute(item_query().where(T.id == task_id)).one_or_none()


def _decode_cursor(cursor: str, keys: tuple[SortKey, ...]) -> list[Any]:
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        if not isinstance(values, list) or len(values) != len(keys):
            raise ValueError("wrong number of values")
        return [key.decode(value) for key, value in zip(keys, values, strict=True)]
    except (ValueError, TypeError) as error:
        raise Invalid("the cursor is not one this list handed out") from error
