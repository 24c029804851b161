"""Holding a process at a known point of its transaction: a table lock its next write waits
for, and which replica's backend waits."""

from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from psycopg import sql


@contextmanager
def writes_wait(url: str, table: str) -> Iterator[None]:
    """Every insert, update or delete of `table` waits until the block ends."""
    with psycopg.connect(url) as connection:
        lock = sql.SQL("LOCK TABLE {} IN SHARE ROW EXCLUSIVE MODE").format(sql.Identifier(table))
        connection.execute(lock)
        try:
            yield
        finally:
            connection.rollback()


def waiting_replicas(url: str, holding_job_lock: str | None = None) -> set[str]:
    """Names of the replicas (`Replica.name`, their connections' application name) with a
    backend waiting for a lock; only those holding the advisory lock of background job
    `holding_job_lock` (`app.jobs.runner`), when named."""
    query = """
        SELECT a.application_name FROM pg_stat_activity a
        WHERE a.wait_event_type = 'Lock'
          AND (%(job)s::text IS NULL OR EXISTS (
                SELECT 1 FROM pg_locks l
                WHERE l.pid = a.pid AND l.locktype = 'advisory' AND l.granted
                  AND l.objid::bigint = (hashtext(%(job)s)::bigint & 4294967295)))
    """
    with psycopg.connect(url, autocommit=True) as connection:
        rows = connection.execute(query, {"job": holding_job_lock}).fetchall()
    return {name for (name,) in rows}
