"""Every query for the outbox."""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.deliveries.models import DeliveryState, OutboxMessage

PENDING = DeliveryState.PENDING.value


def add_all(session: Session, messages: Sequence[OutboxMessage]) -> None:
    session.add_all(messages)
    session.flush()


def destinations_with_pending(session: Session) -> list[str]:
    query = select(OutboxMessage.destination).where(OutboxMessage.state == PENDING).distinct()
    return list(session.scalars(query))


def pending_of(session: Session, destination: str, limit: int) -> list[OutboxMessage]:
    """The destination's queue, oldest first: each is sent only after the one before it."""
    query = (
        select(OutboxMessage)
        .where(OutboxMessage.destination == destination, OutboxMessage.state == PENDING)
        .order_by(OutboxMessage.id)
        .limit(limit)
        .with_for_update()
    )
    return list(session.scalars(query))


def backlog(session: Session) -> list[tuple[str, int, datetime]]:
    """Per destination: how many messages wait, and since when the oldest has waited."""
    query = (
        select(
            OutboxMessage.destination,
            func.count(),
            func.min(OutboxMessage.created_at),
        )
        .where(OutboxMessage.state == PENDING)
        .group_by(OutboxMessage.destination)
    )
    return [(row[0], row[1], row[2]) for row in session.execute(query)]


def recent(
    session: Session, state: str | None, task_id: int | None, limit: int
) -> list[OutboxMessage]:
    query = select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)
    if state is not None:
        query = query.where(OutboxMessage.state == state)
    if task_id is not None:
        query = query.where(OutboxMessage.task_id == task_id)
    return list(session.scalars(query))
