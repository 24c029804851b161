"""Whether studies may be judged quiet: not while a listener reconciles its storage, and not
before `stable_after` has passed since a listener last started.

Listeners and workers are separate processes, possibly on different hosts, so they meet in
Postgres: a listener holds a shared advisory lock while it reconciles (several may at once),
which the stability sweep's exclusive try-lock cannot take; and it records when it started.
"""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from sqlalchemy import Connection, func, select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from app.db.session import get_engine
from app.studies.models import ListenerStart

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
            _record_start_and_release(connection)


def quiet_since_start(session: Session, settled_before: datetime) -> bool:
    """Whether studies quiet since `settled_before` may be marked stable now: no listener is
    reconciling (held off until this transaction ends) and none started after that moment."""
    if not session.scalar(_NO_RECONCILIATION_RUNNING, {"name": _LOCK_NAME}):
        return False
    started_at = session.scalar(select(func.max(ListenerStart.started_at)))
    return started_at is None or started_at < settled_before


def _record_start_and_release(connection: Connection) -> None:
    """A database lost meanwhile took the lock with it; the start then goes unrecorded."""
    statement = insert(ListenerStart).values(id=1, started_at=datetime.now(UTC))
    statement = statement.on_conflict_do_update(
        index_elements=[ListenerStart.id],
        set_={"started_at": func.greatest(ListenerStart.started_at, statement.excluded.started_at)},
    )
    try:
        connection.execute(statement)
        connection.execute(_RELEASE_AFTER_RECONCILING, {"name": _LOCK_NAME})
        connection.commit()
    except SQLAlchemyError as error:
        logger.warning("listener start not recorded", extra={"error": type(error).__name__})
