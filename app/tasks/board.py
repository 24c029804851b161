"""Per reader, what the on-duty board shows besides the assigner's workload: open STAT and URGENT
tasks, their open tasks, and when they last finished a case."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.people.models import Radiologist
from app.tasks.models import ReadingTask
from app.tasks.repository import OPEN_STATE_NAMES
from app.vocabulary import Priority


@dataclass(frozen=True, slots=True)
class ReaderFigures:
    stat: int = 0
    urgent: int = 0
    last_finished_at: datetime | None = None


def reader_figures(session: Session) -> dict[int, ReaderFigures]:
    """By radiologist id; readers with nothing open and nothing finished are left out.

    Open tasks and each reader's newest finished one are read through indexes: the finished
    tasks of every year before are never read (docs/scaling.md).
    """
    task = ReadingTask
    open_counts = (
        select(
            task.assignee_id,
            func.count().filter(task.priority == Priority.STAT.value),
            func.count().filter(task.priority == Priority.URGENT.value),
        )
        .where(task.assignee_id.is_not(None), task.state.in_(OPEN_STATE_NAMES))
        .group_by(task.assignee_id)
    )
    newest_finished = (
        select(func.max(task.finalized_at))
        .where(task.assignee_id == Radiologist.id)
        .correlate(Radiologist)
        .scalar_subquery()
    )
    opened = {reader: (stat, urgent) for reader, stat, urgent in session.execute(open_counts)}
    finished = {
        reader: at for reader, at in session.execute(select(Radiologist.id, newest_finished))
    }
    return {
        reader: ReaderFigures(*opened.get(reader, (0, 0)), finished.get(reader))
        for reader in opened.keys() | {reader for reader, at in finished.items() if at}
        if reader
    }


def open_tasks_of(session: Session, radiologist_id: int) -> list[ReadingTask]:
    """The reader's open tasks, most urgent due first."""
    return list(
        session.scalars(
            select(ReadingTask)
            .where(
                ReadingTask.assignee_id == radiologist_id, ReadingTask.state.in_(OPEN_STATE_NAMES)
            )
            .order_by(ReadingTask.due_at)
        )
    )
