"""A hot path's database access: one statement on a pooled connection in autocommit, no session
and no pre-ping, so a write is one round trip and its own transaction (the listeners' way)."""

from collections.abc import Callable
from functools import lru_cache
from typing import TypeVar

from sqlalchemy import Connection, Engine, create_engine
from sqlalchemy.exc import DBAPIError

from app.db.session import sqlalchemy_url

Result = TypeVar("Result")


@lru_cache(maxsize=4)
def autocommit_engine(url: str) -> Engine:
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
        with autocommit_engine(url).connect() as connection:
            try:
                return work(connection)
            except DBAPIError as error:
                if attempt == 2 or not error.connection_invalidated:
                    raise
    raise AssertionError("unreachable")
