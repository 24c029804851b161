"""The listener's database at start: its pools' first connections opened before the first
association (its hot path runs single statements, `app.db.single_statement`)."""

import logging

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app.db.session import get_engine
from app.db.single_statement import autocommit_engine

logger = logging.getLogger(__name__)

# Connections opened at start on each engine the listener uses: enough for a sender or two per
# listener process; more associations open theirs when they come.
WARM_CONNECTIONS = 2
# The tables an instance is filed into: planning this reads their catalog entries into the
# server process's caches, which a new connection's first insert would otherwise pay for.
_TOUCH_TABLES = text("SELECT 1 FROM studies, series, instances, audit_events WHERE false")


def warm_up(url: str) -> None:
    """Open the pools' first connections before the first association, so the first study after
    a start is filed as fast as the rest. An unreachable database is logged, not fatal: the
    listener starts, and answers 0xA700 until it is back."""
    try:
        for engine in (autocommit_engine(url), get_engine(url)):
            connections = [engine.connect() for _ in range(WARM_CONNECTIONS)]
            for connection in connections:
                connection.execute(_TOUCH_TABLES).all()
                connection.close()
    except SQLAlchemyError as error:
        logger.warning("database not reachable at start", extra={"error": type(error).__name__})
