"""The worker's Prometheus metrics: each job's runs and failures, and the work waiting.

The waiting work is read from Postgres at each scrape (a few grouped queries with a short
statement timeout), so every worker replica shows the same figures and none goes stale.
"""

import logging
from collections.abc import Iterator
from datetime import UTC, datetime

from prometheus_client import Counter
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app.db.session import session_scope
from app.studies.repository import count_awaiting_stability
from app.tasks.queues import WAITING_STATES, TaskQueues, task_queues

logger = logging.getLogger(__name__)

JOB_RUNS = Counter(
    "worklist_job_runs_total", "Background job runs (this replica held the job's lock)", ["job"]
)
JOB_FAILURES = Counter("worklist_job_failures_total", "Background job runs that failed", ["job"])

_SCRAPE_TIMEOUT = text("SET LOCAL statement_timeout = '2s'")


class WaitingWorkCollector(Collector):
    """Studies waiting for stability and reading tasks waiting per pool, read at each scrape;
    nothing (and a warning) when the database does not answer."""

    def __init__(self, database_url: str) -> None:
        self._database_url = database_url

    def collect(self) -> Iterator[Metric]:
        try:
            with session_scope(self._database_url) as session:
                session.execute(_SCRAPE_TIMEOUT)
                studies = count_awaiting_stability(session)
                queues = task_queues(session)
        except SQLAlchemyError as error:
            logger.warning("waiting work not measured", extra={"error": type(error).__name__})
            return
        yield GaugeMetricFamily(
            "worklist_studies_awaiting_stability",
            "Studies not yet stable, or that received images since",
            value=studies,
        )
        yield from _task_gauges(queues, datetime.now(UTC))


def _task_gauges(queues: TaskQueues, now: datetime) -> Iterator[Metric]:
    waiting = GaugeMetricFamily(
        "worklist_tasks_waiting",
        "Reading tasks nobody has started, per pool and state (UNASSIGNED, ASSIGNED)",
        labels=["pool", "state"],
    )
    overdue = GaugeMetricFamily(
        "worklist_tasks_overdue",
        "Open reading tasks past their due time, per pool",
        labels=["pool"],
    )
    pools = set(queues.pools) | {pool for pool, _ in queues.waiting} | set(queues.overdue)
    for pool in sorted(pools):
        for state in WAITING_STATES:
            waiting.add_metric([pool, state], queues.waiting.get((pool, state), 0))
        overdue.add_metric([pool], queues.overdue.get(pool, 0))
    since = queues.oldest_unassigned_since
    yield waiting
    yield overdue
    yield GaugeMetricFamily(
        "worklist_oldest_unassigned_task_age_seconds",
        "How long the oldest unassigned reading task has waited (0 when none waits)",
        value=(now - since).total_seconds() if since else 0.0,
    )
