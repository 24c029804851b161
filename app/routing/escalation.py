"""SLA escalation: at 80 % of a task's time raise its priority, at 100 % widen its pool."""

from datetime import UTC, datetime

from sqlalchemy.orm import Session

from app.principal import Principal
from app.routing import repository
from app.settings import Settings
from app.tasks.models import ReadingTask
from app.tasks.service import record_history
from app.tasks.service_levels import PRIORITY_STEP_UP
from app.vocabulary import TaskState

ESCALATOR = Principal.system("sla-escalation")
RAISED = 1
OVERDUE = 2


def escalate_due(session: Session, settings: Settings, limit: int = 500) -> int:
    """Background job: escalate every open task that reached the next step of its SLA."""
    now = datetime.now(UTC)
    due = repository.claim_due_for_escalation(session, now, limit)
    for task in due:
        changes = _escalate(task, now, settings.fallback_subspecialty)
        task.version += 1
        session.flush()
        record_history(session, ESCALATOR, task, "escalate", task.state, changes)
    return len(due)


def _escalate(task: ReadingTask, now: datetime, fallback: str) -> dict[str, object]:
    """Apply every step the task has reached; return what changed."""
    changes: dict[str, object] = {}
    if task.escalation_level < RAISED:
        raised = PRIORITY_STEP_UP.get(task.priority, task.priority)
        if raised != task.priority:
            changes["priority"] = [task.priority, raised]
            task.priority = raised
        task.escalation_level = RAISED
    if task.due_at <= now:
        task.overdue = True
        task.escalation_level = OVERDUE
        changes["overdue"] = True
        if task.state == TaskState.UNASSIGNED.value and task.subspecialty != fallback:
            changes["subspecialty"] = [task.subspecialty, fallback]
            task.route_reasons = [
                *task.route_reasons,
                f"unread past its SLA: widened to {fallback}",
            ]
            task.subspecialty = fallback
    return changes
