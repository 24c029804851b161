"""Engines and sessions: one engine per database URL and process, one session per unit of work."""

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

from sqlalchemy import Connection, Engine, create_engine
from sqlalchemy.orm import Session, sessionmaker


def sqlalchemy_url(url: str) -> str:
    """Use the psycopg 3 driver whatever spelling of a Postgres URL we are given."""
    for prefix in ("postgresql+psycopg://", "postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    raise ValueError("DATABASE_URL must be a PostgreSQL URL (postgresql://...)")


# What runs a statement: a unit of work's session, or a connection running one statement alone
# in autocommit (the listener's hot path, where a session's bookkeeping costs more than the row).
Executor = Session | Connection

POOL_SIZE = 10
POOL_OVERFLOW = 20
POOL_CAPACITY = POOL_SIZE + POOL_OVERFLOW


@lru_cache(maxsize=4)
def get_engine(url: str) -> Engine:
    # hide_parameters: error messages and logs never carry the values, which may be patient data.
    return create_engine(
        sqlalchemy_url(url),
        pool_size=POOL_SIZE,
        max_overflow=POOL_OVERFLOW,
        pool_pre_ping=True,
        hide_parameters=True,
    )


@lru_cache(maxsize=4)
def _session_factory(url: str) -> sessionmaker[Session]:
    return sessionmaker(bind=get_engine(url), expire_on_commit=False)


def new_session(url: str) -> Session:
    return _session_factory(url)()


@contextmanager
def session_scope(url: str) -> Iterator[Session]:
    """One transaction: commit when the block succeeds, roll back when it raises."""
    session = new_session(url)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
