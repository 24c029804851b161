"""The listener's hot-path sessions: autocommit and no pre-ping, so filing an instance of a known
series is one statement, one round trip and its own transaction."""

from collections.abc import Callable
from functools import lru_cache
from typing import TypeVar

from sqlalchemy import create_engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from app.db.session import sqlalchemy_url

Result = TypeVar("Result")


@lru_cache(maxsize=4)
def _autocommit_sessions(url: str) -> sessionmaker[Session]:
    engine = create_engine(
        sqlalchemy_url(url), isolation_level="AUTOCOMMIT", pool_size=16, max_overflow=16
    )
    return sessionmaker(bind=engine)


def run_single_statement(url: str, work: Callable[[Session], Result]) -> Result:
    """Run `work` (one statement) in autocommit; once more if the pooled connection had died.

    Without a pre-ping, a database restart shows up as one failed statement, after which the
    pool discards its old connections.
    """
    for attempt in (1, 2):
        with _autocommit_sessions(url)() as session:
            try:
                return work(session)
            except DBAPIError as error:
                if attempt == 2 or not error.connection_invalidated:
                    raise
    raise AssertionError("unreachable")
