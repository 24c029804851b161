"""The listener's hot path: one statement on a pooled connection in autocommit, no session and
no pre-ping, so filing an instance of a known series is one round trip and its own transaction."""

import logging
from collections.abc import Callable
from functools import lru_cache
from typing import TypeVar

from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from app.db.session import get_engine, sqlalchemy_url

logger = logging.getLogger(__name__)

Result = TypeVar("Result")

# Connections opened at start on each engine the listener uses: enough for a sender or two per
# listener process; more associations open theirs when they come.
WARM_CONNECTIONS = 2
# The tables an instance is filed into: planning this reads their catalog entries into the
# server process's caches, which a new connection's first insert would otherwise pay for.
_TOUCH_TABLES = text("SELECT 1 FROM studies, series, instances, audit_events WHERE false")


@lru_cache(maxsize=4)
def _autocommit_engine(url: str) -> Engine:
    return create_engine(
        sqlalchemy_url(url),
        isolation_level="AUTOCOMMIT",
        pool_size=16,
        max_overflow=16,
        hide_parameters=True,
    )


def run_single_statement(url: str, work: Callable[[Connection], Result]) -> Result:
    """Run `work` (one statement) in autocommit; once more if the pooled connection had died.

    Without a pre-ping, a database restart shows up as one failed statement, after which the
    pool discards its old connections.
    """
    for attempt in (1, 2):
        with _autocommit_engine(url).connect() as connection:
            try:
                return work(connection)
            except DBAPIError as error:
                if attempt == 2 or not error.connection_invalidated:
                    raise
    raise AssertionError("unreachable")


def warm_up(url: str) -> None:
    """Open the pools' first connections before the first association, so the first study after
    a start is filed as fast as the rest. An unreachable database is logged, not fatal: the
    listener starts, and answers 0xA700 until it is back."""
    try:
        for engine in (_autocommit_engine(url), get_engine(url)):
            connections = [engine.connect() for _ in range(WARM_CONNECTIONS)]
            for connection in connections:
                connection.execute(_TOUCH_TABLES).all()
                connection.close()
    except SQLAlchemyError as error:
        logger.warning("database not reachable at start", extra={"error": type(error).__name__})
