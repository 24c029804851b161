"""Which studies may be judged quiet: none before `stable_after` has passed since a listener
last started; while a listener reconciles its storage, only those whose first image came after
it began.

The files a crash left without their rows were received before the listener began reconciling,
and older studies wait for the listing to index them. A study whose first image came later waits
for nothing (the listing takes minutes at a year's volume): it had no row when the listener
stopped, so it can miss such files only if the crash cut its very first images short and its
sender did not send them again; the listing then indexes them, and the study is settled again
as one that received a late image is.

Listeners and workers are separate processes, possibly on different hosts, so they meet in
Postgres: a listener holds a shared advisory lock while it reconciles (several may at once),
which the stability sweep's exclusive try-lock cannot take, with a row saying since when; and
it records when it started.
"""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection, delete, func, select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from app.db.session import get_engine
from app.studies.models import ListenerStart, Reconciliation

logger = logging.getLogger(__name__)

_LOCK_NAME = "storage-reconciliation"
_HOLD_WHILE_RECONCILING = text("SELECT pg_advisory_lock_shared(hashtext(:name))")
_RELEASE_AFTER_RECONCILING = text("SELECT pg_advisory_unlock_shared(hashtext(:name))")
# Taken by the stability sweep for its transaction: refused while any listener reconciles, and
# a listener starting to reconcile waits for the sweep's transaction to end.
_NO_RECONCILIATION_RUNNING = text("SELECT pg_try_advisory_xact_lock(hashtext(:name))")


@contextmanager
def reconciling(database_url: str) -> Iterator[None]:
    """Held around the listener's reconciliation at start; its end is recorded as the start.

    The lock belongs to a connection of its own: a listener that dies while reconciling closes
    it, and Postgres releases the lock. Without a database nothing can be marked stable (nor
    reconciled), so the listener goes on and answers 0xA700 until the database is back.
    """
    try:
        connection = get_engine(database_url).connect()
        # Committed before the lock is taken: a sweep that finds the lock held finds the row.
        # The listener's clock, as the rows it receives are stamped by it.
        began = insert(Reconciliation).values(began_at=datetime.now(UTC))
        reconciliation_id: int = connection.execute(began.returning(Reconciliation.id)).scalar_one()
        connection.commit()
        connection.execute(_HOLD_WHILE_RECONCILING, {"name": _LOCK_NAME})
        connection.commit()
    except SQLAlchemyError as error:
        logger.warning("database not reachable at start", extra={"error": type(error).__name__})
        yield
        return
    with connection:
        try:
            yield
        finally:
            _record_start_and_release(connection, reconciliation_id)


@dataclass(frozen=True, slots=True)
class MaySettle:
    """Which of the studies quiet long enough may be marked stable now."""

    first_received_after: datetime | None = None  # while a listener reconciles; None: any


def studies_that_may_settle(session: Session, settled_before: datetime) -> MaySettle | None:
    """Which studies quiet since `settled_before` may be marked stable now; None: none may, a
    listener having started after that moment. A reconciliation's lock is held off until this
    transaction ends."""
    started_at = last_listener_start(session)
    if started_at is not None and started_at >= settled_before:
        return None
    if session.scalar(_NO_RECONCILIATION_RUNNING, {"name": _LOCK_NAME}):
        return MaySettle()
    # The latest to begin: the listener that stopped before it may have left files of any study
    # received until then. No row: the lock's holder keeps none (a listener of an older version).
    began_at = session.scalar(select(func.max(Reconciliation.began_at)))
    return MaySettle(first_received_after=began_at) if began_at is not None else None


def last_listener_start(session: Session) -> datetime | None:
    """When a listener last finished reconciling its storage at start; None if none ever did."""
    return session.scalar(select(func.max(ListenerStart.started_at)))


def _record_start_and_release(connection: Connection, reconciliation_id: int) -> None:
    """A database lost meanwhile took the lock with it; the start then goes unrecorded."""
    statement = insert(ListenerStart).values(id=1, started_at=datetime.now(UTC))
    statement = statement.on_conflict_do_update(
        index_elements=[ListenerStart.id],
        set_={"started_at": func.greatest(ListenerStart.started_at, statement.excluded.started_at)},
    )
    try:
        connection.execute(statement)
        connection.execute(delete(Reconciliation).where(Reconciliation.id == reconciliation_id))
        connection.execute(_RELEASE_AFTER_RECONCILING, {"name": _LOCK_NAME})
        connection.commit()
    except SQLAlchemyError as error:
        logger.warning("listener start not recorded", extra={"error": type(error).__name__})
