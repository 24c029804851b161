"""Per reader, what the on-duty board shows besides the assigner's workload: open STAT and URGENT
tasks, their open tasks, and when they last finished a case."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.tasks.models import ReadingTask
from app.tasks.repository import OPEN_STATE_NAMES
from app.vocabulary import Priority


@dataclass(frozen=True, slots=True)
class ReaderFigures:
    stat: int = 0
    urgent: int = 0
    last_finished_at: datetime | None = None


def reader_figures(session: Session) -> dict[int, ReaderFigures]:
    """By radiologist id; readers with nothing open and nothing finished are left out."""
    task = ReadingTask
    is_open = task.state.in_(OPEN_STATE_NAMES)
    rows = session.execute(
        select(
            task.assignee_id,
            func.count().filter(is_open, task.priority == Priority.STAT.value),
            func.count().filter(is_open, task.priority == Priority.URGENT.value),
            func.max(task.finalized_at),
        )
        .where(task.assignee_id.is_not(None))
        .group_by(task.assignee_id)
    )
    return {
        reader: ReaderFigures(stat, urgent, last) for reader, stat, urgent, last in rows if reader
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
