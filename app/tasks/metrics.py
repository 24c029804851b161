"""Reading quality and speed: RADPEER concordance of over-reads, turnaround from stable to final."""

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from app.people.models import Radiologist
from app.studies.models import Study
from app.tasks.models import ReadingTask
from app.tasks.second_opinions import NEEDS_REVIEW, needs_review
from app.tasks.worklist import OVERDUE_NOW
from app.vocabulary import Radpeer, TaskKind

T = ReadingTask


class Concordance(BaseModel):
    group: str
    total: int
    scores: dict[str, int]
    agreement_rate: float
    needs_review: int


class Reader(BaseModel):
    id: int
    name: str


class ReaderConcordance(Concordance):
    reader: Reader | None  # None for reads nobody is recorded as owning


class ConcordanceReport(BaseModel):
    since: datetime
    by_subspecialty: list[Concordance]
    by_reader: list[ReaderConcordance]


class Turnaround(BaseModel):
    group: str
    finalized: int
    median_minutes: float
    p90_minutes: float
    finalized_late: int


class ReaderTurnaround(Turnaround):
    reader: Reader | None


class TurnaroundReport(BaseModel):
    since: datetime
    by_priority: list[Turnaround]
    by_subspecialty: list[Turnaround]
    by_reader: list[ReaderTurnaround]
    overdue_open_by_priority: dict[str, int]


def concordance(session: Session, since: datetime) -> ConcordanceReport:
    """Scores second opinions gave primary reads, by the primary's pool and by its reader."""
    primary = aliased(ReadingTask)
    query = (
        select(primary.subspecialty, primary.assignee_id, T.radpeer, func.count())
        .join(primary, primary.id == T.primary_task_id)
        .where(T.kind == TaskKind.SECOND_OPINION.value, T.radpeer.is_not(None))
        .where(T.finalized_at >= since)
        .group_by(primary.subspecialty, primary.assignee_id, T.radpeer)
    )
    by_pool: dict[str, dict[str, int]] = defaultdict(dict)
    by_reader: dict[int | None, dict[str, int]] = defaultdict(dict)
    for pool, reader, score, count in session.execute(query):
        by_pool[pool][str(score)] = by_pool[pool].get(str(score), 0) + count
        by_reader[reader][str(score)] = count + by_reader[reader].get(str(score), 0)
    readers = _readers(session, by_reader)
    return ConcordanceReport(
        since=since,
        by_subspecialty=[_concordance(key, scores) for key, scores in sorted(by_pool.items())],
        by_reader=[
            ReaderConcordance(
                **_concordance(str(reader), scores).model_dump(), reader=readers.get(reader)
            )
            for reader, scores in sorted(by_reader.items(), key=lambda item: str(item[0]))
        ],
    )


def _readers(session: Session, ids: Iterable[int | None]) -> dict[int | None, Reader]:
    """The named radiologists, by id: reports name readers, not numbers alone."""
    wanted = [reader_id for reader_id in ids if reader_id is not None]
    query = select(Radiologist.id, Radiologist.name).where(Radiologist.id.in_(wanted))
    return {row.id: Reader(id=row.id, name=row.name) for row in session.execute(query)}


def _concordance(group: str, scores: dict[str, int]) -> Concordance:
    total = sum(scores.values())
    return Concordance(
        group=group,
        total=total,
        scores={score.value: scores.get(score.value, 0) for score in Radpeer},
        agreement_rate=round(scores.get(Radpeer.AGREE.value, 0) / total, 4),
        needs_review=sum(count for score, count in scores.items() if needs_review(score)),
    )


def turnaround(session: Session, since: datetime) -> TurnaroundReport:
    """Minutes from a study's stability to the final report of its primary read."""
    overdue = (
        select(T.priority, func.count()).where(OVERDUE_NOW, T.finalized_at.is_(None))
        .group_by(T.priority)
    )  # fmt: skip
    by_priority, by_pool, by_reader = _turnaround(session, since)
    readers = _readers(session, by_reader)
    return TurnaroundReport(
        since=since,
        by_priority=list(by_priority.values()),
        by_subspecialty=list(by_pool.values()),
        by_reader=[
            ReaderTurnaround(**row.model_dump(), reader=readers.get(reader))
            for reader, row in by_reader.items()
        ],
        overdue_open_by_priority={p: n for p, n in session.execute(overdue)},
    )


# GROUPING() of (priority, subspecialty, assignee) for the rows of each grouping set.
_GROUPED_BY = {0b011: 0, 0b101: 1, 0b110: 2}


def _turnaround(session: Session, since: datetime) -> list[dict[Any, Turnaround]]:
    """By priority, by subspecialty and by reader, each in its order: one pass over the finished
    tasks (grouping sets), not one per grouping."""
    started = func.coalesce(Study.stable_at, T.created_at)
    minutes = func.extract("epoch", T.finalized_at - started) / 60
    keys = (T.priority, T.subspecialty, T.assignee_id)
    query = (
        select(
            func.grouping(*keys),
            *keys,
            func.count(),
            func.percentile_cont(0.5).within_group(minutes),
            func.percentile_cont(0.9).within_group(minutes),
            func.count().filter(T.finalized_at > T.due_at),
        )
        .join(Study, Study.id == T.study_id)
        .where(T.kind == TaskKind.PRIMARY.value, T.finalized_at >= since)
        .group_by(func.grouping_sets(*keys))
        .order_by(func.grouping(*keys), *keys)
    )
    groupings: list[dict[Any, Turnaround]] = [{}, {}, {}]
    for grouped, *values, count, median, p90, late in session.execute(query):
        which = _GROUPED_BY[grouped]
        key = values[which]
        groupings[which][key] = Turnaround(
            group=str(key),
            finalized=count,
            median_minutes=round(float(median), 1),
            p90_minutes=round(float(p90), 1),
            finalized_late=late,
        )
    return groupings


class ReviewCase(BaseModel):
    """A second opinion that scored its primary read 2b, 3a or 3b."""

    task_id: int
    primary_task_id: int | None
    radpeer: str
    subspecialty: str
    finalized_at: datetime | None


def cases_needing_review(session: Session, since: datetime) -> list[ReviewCase]:
    """Newest first, over the same window as `concordance`."""
    scores = [score.value for score in NEEDS_REVIEW]
    query = (
        select(T.id, T.primary_task_id, T.radpeer, T.subspecialty, T.finalized_at)
        .where(T.kind == TaskKind.SECOND_OPINION.value, T.radpeer.in_(scores))
        .where(T.finalized_at >= since)
        .order_by(T.finalized_at.desc())
    )
    return [
        ReviewCase(
            task_id=task_id,
            primary_task_id=primary,
            radpeer=score,
            subspecialty=pool,
            finalized_at=finalized,
        )  # fmt: skip
        for task_id, primary, score, pool, finalized in session.execute(query)
    ]
