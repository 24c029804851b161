"""Engines and sessions: one engine per database URL and process, one session per unit of work."""

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

from sqlalchemy import URL, Connection, Engine, create_engine, make_url
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


# `?prepare_threshold=none` in DATABASE_URL: no server-side prepared statements, which a
# connection pooler in transaction mode (PgBouncer before 1.21) cannot carry between clients.
PREPARE_THRESHOLD = "prepare_threshold"


def driver_url(url: str) -> URL:
    """The SQLAlchemy URL for psycopg 3, without our own options (none of them is libpq's)."""
    return make_url(sqlalchemy_url(url)).difference_update_query([PREPARE_THRESHOLD])


def libpq_conninfo(url: str) -> str:
    """The URL as psycopg connects to it itself, for the statements that run without SQLAlchemy."""
    return driver_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def prepare_threshold(url: str) -> dict[str, int | None]:
    """psycopg's `prepare_threshold` as the URL sets it: `none` (never prepare) or a count."""
    value = make_url(sqlalchemy_url(url)).query.get(PREPARE_THRESHOLD)
    if value is None:
        return {}
    text = value if isinstance(value, str) else value[-1]
    if text.lower() != "none" and not text.isdigit():
        raise ValueError(f"DATABASE_URL: prepare_threshold is none or a count, not {text!r}")
    return {PREPARE_THRESHOLD: None if text.lower() == "none" else int(text)}


@lru_cache(maxsize=4)
def get_engine(url: str) -> Engine:
    # hide_parameters: error messages and logs never carry the values, which may be patient data.
    return create_engine(
        driver_url(url),
        pool_size=POOL_SIZE,
        max_overflow=POOL_OVERFLOW,
        pool_pre_ping=True,
        hide_parameters=True,
        connect_args=prepare_threshold(url),
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
