"""What the worklist page shows: tabs as filters, the header counts, rows as a person reads them.

The rows come from the same query as `GET /api/v1/tasks` (app/tasks/worklist.py); this module
only decides which filter a tab means and how a row is worded.
"""

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Row, func, select
from sqlalchemy.orm import Session

from app.principal import Principal
from app.tasks import worklist
from app.tasks.models import ReadingTask
from app.tasks.schemas import TaskItem
from app.vocabulary import Priority, Role, TaskState

UNREAD_STATES = (TaskState.UNASSIGNED, TaskState.ASSIGNED, TaskState.IN_PROGRESS)
WORKING_STATES = (*UNREAD_STATES, TaskState.PRELIMINARY)
PAGE_SIZE = 100
MODALITIES = ("CT", "MR", "CR", "DX", "US", "MG", "NM", "PT", "XA", "RF")


class Tab(StrEnum):
    MINE = "mine"
    POOLS = "pools"
    ALL = "all"


def tabs_for(user: Principal) -> list[Tab]:
    """Radiologists see theirs and their pools'; admins see everything."""
    return [Tab.ALL] if user.role is Role.ADMIN else [Tab.MINE, Tab.POOLS]


def tab_filter(tab: Tab, user: Principal) -> worklist.WorklistFilter:
    states = [state.value for state in WORKING_STATES]
    if tab is Tab.MINE:
        return worklist.WorklistFilter(states=states, assignee_id=user.radiologist_id)
    if tab is Tab.POOLS:
        return worklist.WorklistFilter(
            states=[TaskState.UNASSIGNED.value],
            unassigned_only=True,
            visible_to_radiologist=user.radiologist_id,
        )
    return worklist.WorklistFilter(states=states)


@dataclass(frozen=True, slots=True)
class Choices:
    """What the person narrowed the tab to; an empty value means any."""

    state: str = ""
    pool: str = ""
    modality: str = ""
    priority: str = ""
    text: str = ""

    def narrow(self, where: worklist.WorklistFilter) -> worklist.WorklistFilter:
        changes: dict[str, Any] = {}
        if self.state:
            changes["states"] = [self.state]
        if self.pool:
            changes["subspecialties"] = [self.pool]
        if self.priority:
            changes["priorities"] = [self.priority]
        if self.modality:
            changes["modality"] = self.modality
        if self.text:
            changes["text"] = self.text
        return replace(where, **changes)


@dataclass(frozen=True, slots=True)
class Counts:
    unread: int
    stat: int


def counts(session: Session, user: Principal) -> Counts:
    """Cases not yet reported in the person's tabs, and how many of them are STAT."""
    where = worklist.WorklistFilter(
        states=[state.value for state in UNREAD_STATES],
        visible_to_radiologist=user.radiologist_id,
    ).conditions()
    is_stat = ReadingTask.priority == Priority.STAT.value
    query = select(func.count(), func.count().filter(is_stat)).where(*where)
    unread, stat = session.execute(query).one()
    return Counts(unread=unread, stat=stat)


@dataclass(frozen=True, slots=True)
class RowView:
    item: TaskItem
    question: str | None
    due_text: str
    due_class: str
    holder: str | None


def row_view(row: Row[Any], now: datetime) -> RowView:
    item = TaskItem.from_row(row)
    due_text, due_class = due_words(item.created_at, item.due_at, item.overdue, now)
    holder = None
    if item.state == TaskState.IN_PROGRESS.value and item.assignee_name:
        minutes = int((now - row.updated_at).total_seconds() // 60)
        holder = f"claimed by {item.assignee_name}, {duration(minutes)}"
    return RowView(item, row.clinical_question, due_text, due_class, holder)


def due_words(created: datetime, due: datetime, overdue: bool, now: datetime) -> tuple[str, str]:
    """Time left in words, and a class by the share of the SLA used (never colour alone)."""
    minutes = int((due - now).total_seconds() // 60)
    if overdue or minutes < 0:
        return f"overdue by {duration(-minutes)}", "due-overdue"
    used = (now - created) / (due - created) if due > created else 1.0
    return f"{duration(minutes)} left", "due-late" if used >= 0.75 else "due-ok"


def duration(minutes: int) -> str:
    hours, rest = divmod(max(minutes, 0), 60)
    return f"{hours} h {rest} min" if hours else f"{rest} min"


def page_rows(
    session: Session, where: worklist.WorklistFilter, sort: str
) -> tuple[list[RowView], bool]:
    rows, more = worklist.page(session, where, sort, None, PAGE_SIZE)
    now = datetime.now(UTC)
    return [row_view(row, now) for row in rows], more is not None
