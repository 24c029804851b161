"""Commits that hang until their backend is terminated: the window between a row committed and
the client hearing of it, opened on purpose."""

import time
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg


@contextmanager
def commits_hang(url: str) -> Iterator[None]:
    """Every commit that writes waits for a synchronous standby that never comes."""
    _set_standby(url, "nosuchstandby")
    try:
        yield
    finally:
        _set_standby(url, "")


def terminate_commit_waiters(url: str, timeout: float) -> int:
    """Terminate the backends whose commit waits on the standby, as soon as one waits; how many.

    Each such commit is durable locally; its client only loses the answer."""
    deadline = time.monotonic() + timeout
    with psycopg.connect(url, autocommit=True) as connection:
        while time.monotonic() < deadline:
            waiting = connection.execute(
                "SELECT pid FROM pg_stat_activity WHERE wait_event = 'SyncRep'"
            ).fetchall()
            if waiting:
                for (pid,) in waiting:
                    connection.execute("SELECT pg_terminate_backend(%s)", (pid,))
                return len(waiting)
            time.sleep(0.02)
    return 0


def _set_standby(url: str, name: str) -> None:
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(f"ALTER SYSTEM SET synchronous_standby_names = '{name}'")
        connection.execute("SELECT pg_reload_conf()")


def lose_answers_of_waiting_commits(url: str, statement: str) -> int:
    """One pass over the commits waiting on the standby: a `statement` (LIKE pattern) loses
    its answer (its backend is terminated), any other is let through (its wait is cancelled,
    and its client sees its commit succeed); how many lost their answer."""
    with psycopg.connect(url, autocommit=True) as connection:
        waiting = connection.execute(
            "SELECT pid, query LIKE %s FROM pg_stat_activity WHERE wait_event = 'SyncRep'",
            (statement,),
        ).fetchall()
        for pid, lose in waiting:
            ending = "pg_terminate_backend" if lose else "pg_cancel_backend"
            connection.execute(f"SELECT {ending}(%s)", (pid,))
    return sum(1 for _, lose in waiting if lose)
