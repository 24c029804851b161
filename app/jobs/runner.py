"""Runs the background jobs on their intervals, each in its own transaction.

Several worker replicas may run at once: a job runs only where its advisory lock is free, and the
jobs themselves claim rows with SKIP LOCKED, so no piece of work is done twice.
"""

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.orm import Session

from app.db.session import session_scope
from app.jobs.metrics import JOB_FAILURES, JOB_RUNS
from app.settings import Settings
from app.startup import freeze_startup_objects

logger = logging.getLogger(__name__)

JobFunction = Callable[[Session, Settings], int]
# Seconds until a job's next piece of work falls due, when the job can tell; None when nothing is
# in sight.
DueIn = Callable[[Session, Settings], float | None]
# The shortest wait before a job that can tell when its work falls due runs again.
SHORTEST_WAIT = 0.05


@dataclass(frozen=True, slots=True)
class Job:
    name: str
    interval: float
    run: JobFunction  # returns how many items it handled
    due_in: DueIn | None = None


def run_once(job: Job, database_url: str, settings: Settings) -> int | None:
    """Run `job` now unless another replica is running it; None when skipped."""
    with session_scope(database_url) as session:
        locked = session.scalar(
            text("SELECT pg_try_advisory_xact_lock(hashtext(:name))"), {"name": job.name}
        )
        if not locked:
            return None
        JOB_RUNS.labels(job.name).inc()
        return job.run(session, settings)


def run_forever(
    jobs: Sequence[Job],
    database_url: str,
    settings: Settings,
    should_stop: Callable[[float], bool],
) -> None:
    """Run every job when due until `should_stop(seconds)` says so; a failing job is logged.

    A job that found work runs again on the next pass instead of after its interval: the
    stability sweep, for one, takes a small batch per transaction and would otherwise leave
    the rest of a busy minute's studies waiting. One that can tell when its next work falls due
    runs then, if that is sooner than its interval: a study is routed as it becomes stable.
    """
    freeze_startup_objects()
    for job in jobs:  # every job's series shows from the start, at zero
        JOB_RUNS.labels(job.name)
        JOB_FAILURES.labels(job.name)
    next_run = {job.name: 0.0 for job in jobs}
    while True:
        for job in jobs:
            if time.monotonic() >= next_run[job.name]:
                found_work = _run_logged(job, database_url, settings)
                wait = 0.0 if found_work else _wait(job, database_url, settings)
                next_run[job.name] = time.monotonic() + wait
        wait = max(0.0, min(next_run.values(), default=1.0) - time.monotonic())
        if should_stop(min(wait, 1.0)):
            return


def _run_logged(job: Job, database_url: str, settings: Settings) -> bool:
    """Run the job; whether it handled anything."""
    try:
        handled = run_once(job, database_url, settings)
    except Exception:
        JOB_FAILURES.labels(job.name).inc()
        logger.exception("background job failed", extra={"job": job.name})
        return False
    if handled:
        logger.info("background job ran", extra={"job": job.name, "handled": handled})
    return bool(handled)


def _wait(job: Job, database_url: str, settings: Settings) -> float:
    """The job's interval, or less when its next work falls due sooner."""
    if job.due_in is None:
        return job.interval
    try:
        with session_scope(database_url) as session:
            due = job.due_in(session, settings)
    except Exception:
        logger.exception("background job's next run unknown", extra={"job": job.name})
        return job.interval
    return job.interval if due is None else min(job.interval, max(SHORTEST_WAIT, due))
