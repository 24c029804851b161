"""Every query on the audit trail (inserts only: the table refuses updates and deletes)."""

from sqlalchemy.orm import Session

from app.audit.models import AuditEvent


def add(session: Session, event: AuditEvent) -> None:
    session.add(event)
