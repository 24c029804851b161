"""Writing the audit trail: one call for every kind of event."""

from typing import Any

from sqlalchemy.orm import Session

from app.audit import repository
from app.audit.events import AuditAction, Outcome
from app.audit.models import AuditEvent
from app.auth.principal import Principal


def record(
    session: Session,
    principal: Principal,
    action: AuditAction,
    *,
    object_type: str | None = None,
    object_id: str | int | None = None,
    outcome: Outcome = Outcome.SUCCESS,
    details: dict[str, Any] | None = None,
) -> None:
    """Add an audit row in the caller's transaction, so it commits or rolls back with the change."""
    repository.add(
        session,
        AuditEvent(
            actor=principal.actor,
            role=principal.role.value if principal.role else None,
            action=action.value,
            object_type=object_type,
            object_id=None if object_id is None else str(object_id),
            outcome=outcome.value,
            source_address=principal.source_address,
            details=details or {},
        ),
    )
