"""Every query on the audit trail (inserts and reads: the table refuses updates and deletes)."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Integer, Select, cast, func, select, true
from sqlalchemy.orm import Session

from app.audit.models import AuditEvent

_EXPORT_BATCH = 500


@dataclass(frozen=True, slots=True)
class AuditFilter:
    """Equality on the text columns, a time window; None means any."""

    actor: str | None = None
    role: str | None = None
    action: str | None = None
    object_type: str | None = None
    object_id: str | None = None
    outcome: str | None = None
    source_address: str | None = None
    since: datetime | None = None
    until: datetime | None = None


def add(session: Session, event: AuditEvent) -> None:
    session.add(event)


def _filtered(wanted: AuditFilter) -> Select[AuditEvent]:
    query = select(AuditEvent)
    for column in ("actor", "role", "action", "object_type", "object_id", "outcome"):
        value = getattr(wanted, column)
        if value is not None:
            query = query.where(getattr(AuditEvent, column) == value)
    if wanted.source_address is not None:
        query = query.where(AuditEvent.source_address == wanted.source_address)
    if wanted.since is not None:
        query = query.where(AuditEvent.occurred_at >= wanted.since)
    if wanted.until is not None:
        query = query.where(AuditEvent.occurred_at < wanted.until)
    return query


def newest_first(
    session: Session, wanted: AuditFilter, *, before_id: int | None, limit: int
) -> list[AuditEvent]:
    query = _filtered(wanted).order_by(AuditEvent.id.desc()).limit(limit)
    if before_id is not None:
        query = query.where(AuditEvent.id < before_id)
    return list(session.scalars(query))


def oldest_first(session: Session, wanted: AuditFilter) -> Iterator[AuditEvent]:
    """Every matching event, read in batches so an export never holds the trail in memory."""
    query = _filtered(wanted).order_by(AuditEvent.id).execution_options(yield_per=_EXPORT_BATCH)
    yield from session.scalars(query)


def association_failures_by_status(session: Session, since: datetime) -> dict[str, int]:
    """Instances refused by status ("0xC000": 3), summed from the listener's association rows."""
    failures = func.jsonb_each_text(AuditEvent.details["failures"]).table_valued("key", "value")
    query = (
        select(failures.c.key, func.sum(cast(failures.c.value, Integer)))
        .select_from(AuditEvent)
        .join(failures, true())
        .where(AuditEvent.object_type == "association", AuditEvent.occurred_at >= since)
        .group_by(failures.c.key)
        .order_by(failures.c.key)
    )
    return {status: int(count) for status, count in session.execute(query)}
