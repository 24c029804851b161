"""Writing and reading the audit trail."""

from collections.abc import Iterator
from dataclasses import asdict
from typing import Any

from sqlalchemy import ColumnElement
from sqlalchemy.orm import Session

from app.audit import repository
from app.audit.events import AuditAction, Outcome
from app.audit.models import AuditEvent
from app.audit.repository import AuditFilter
from app.audit.schemas import AuditEventOut
from app.db.session import session_scope
from app.principal import Principal


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
    values = audit_values(
        principal,
        action,
        object_type=object_type,
        object_id=object_id,
        outcome=outcome,
        details=details,
    )
    repository.add(session, AuditEvent(**values))


def audit_values(
    principal: Principal,
    action: AuditAction,
    *,
    object_type: str | None = None,
    object_id: str | int | ColumnElement[Any] | None = None,
    outcome: Outcome = Outcome.SUCCESS,
    details: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """One audit row's columns; the object id and details may be SQL over a statement's rows."""
    return {
        "actor": principal.actor,
        "role": principal.role.value if principal.role else None,
        "action": action.value,
        "object_type": object_type,
        "object_id": str(object_id) if isinstance(object_id, int) else object_id,
        "outcome": outcome.value,
        "source_address": principal.source_address,
        "details": details or {},
    }


def record_apart(
    database_url: str,
    principal: Principal,
    action: AuditAction,
    *,
    outcome: Outcome,
    object_type: str | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    """Add an audit row in a transaction of its own: for events no other transaction carries."""
    with session_scope(database_url) as session:
        record(
            session, principal, action, object_type=object_type, outcome=outcome, details=details
        )


def search(
    session: Session, reader: Principal, wanted: AuditFilter, *, before_id: int | None, limit: int
) -> list[AuditEvent]:
    events = repository.newest_first(session, wanted, before_id=before_id, limit=limit)
    _note_audit_read(session, reader, wanted, "search")
    return events


def note_export(session: Session, reader: Principal, wanted: AuditFilter) -> None:
    _note_audit_read(session, reader, wanted, "export")


def export_lines(database_url: str, wanted: AuditFilter) -> Iterator[str]:
    """Matching events, oldest first, one JSON object per line, from a session of its own."""
    with session_scope(database_url) as session:
        for event in repository.oldest_first(session, wanted):
            yield AuditEventOut.model_validate(event).model_dump_json() + "\n"


def _note_audit_read(session: Session, reader: Principal, wanted: AuditFilter, how: str) -> None:
    used = {key: str(value) for key, value in asdict(wanted).items() if value is not None}
    record(session, reader, AuditAction.AUDIT_LOG_USED, details={"how": how, "filter": used})
