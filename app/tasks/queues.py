"""How much reading waits, per pool: what the worker's gauges show at each scrape.

Each figure is one grouped query over the task table's pool-queue index, cheap enough to run on
every scrape.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.people.models import Subspecialty
from app.tasks.models import ReadingTask
from app.tasks.repository import OPEN_STATE_NAMES
from app.tasks.worklist import OVERDUE_NOW
from app.vocabulary import TaskState

T = ReadingTask
# Tasks nobody has started reading: waiting in the pool, or assigned but not yet claimed.
WAITING_STATES = (TaskState.UNASSIGNED.value, TaskState.ASSIGNED.value)


@dataclass(frozen=True, slots=True)
class TaskQueues:
    pools: list[str]
    waiting: dict[tuple[str, str], int]  # (pool, state) → tasks
    overdue: dict[str, int]  # pool → open tasks past their due time
    oldest_unassigned_since: datetime | None


def task_queues(session: Session) -> TaskQueues:
    waiting = (
        select(T.subspecialty, T.state, func.count())
        .where(T.state.in_(WAITING_STATES))
        .group_by(T.subspecialty, T.state)
    )
    overdue = (
        select(T.subspecialty, func.count())
        .where(T.state.in_(OPEN_STATE_NAMES), OVERDUE_NOW)
        .group_by(T.subspecialty)
    )
    oldest = select(func.min(T.created_at)).where(T.state == TaskState.UNASSIGNED.value)
    return TaskQueues(
        pools=list(session.scalars(select(Subspecialty.code).order_by(Subspecialty.code))),
        waiting={(pool, state): count for pool, state, count in session.execute(waiting)},
        overdue={pool: count for pool, count in session.execute(overdue)},
        oldest_unassigned_since=session.scalar(oldest),
    )
