"""Every query on reading tasks and their history."""

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.tasks.models import ReadingTask, TaskEvent


def add(session: Session, task: ReadingTask) -> ReadingTask:
    session.add(task)
    session.flush()
    return task


def get(session: Session, task_id: int, *, for_update: bool = False) -> ReadingTask | None:
    query = select(ReadingTask).where(ReadingTask.id == task_id)
    if for_update:
        query = query.with_for_update()
    return session.scalars(query).one_or_none()


def add_event(
    session: Session,
    task: ReadingTask,
    *,
    action: str,
    from_state: str | None,
    actor: str,
    details: dict[str, Any] | None = None,
) -> None:
    """Append one line of the task's history; call after changing `task.state`."""
    session.add(
        TaskEvent(
            task_id=task.id,
            action=action,
            from_state=from_state,
            to_state=task.state,
            actor=actor,
            details=details or {},
        )
    )
