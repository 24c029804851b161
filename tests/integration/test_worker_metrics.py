"""The worker's metrics: each job's runs and failures, and the work waiting, on its own port."""

import os
import re
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from prometheus_client import REGISTRY, CollectorRegistry
from sqlalchemy.orm import Session

from app.jobs.metrics import WaitingWorkCollector
from app.jobs.runner import Job, run_forever
from app.settings import Settings
from app.vocabulary import TaskState
from tests.support.factories import make_study, make_task
from tests.support.network import free_port, wait_for_port


def _gauges(database_url: str) -> CollectorRegistry:
    registry = CollectorRegistry()
    registry.register(WaitingWorkCollector(database_url))
    return registry


def _waiting_work(session: Session) -> None:
    now = datetime.now(UTC)
    make_study(session, stable_at=None)
    make_study(session, stable_at=now, changed_after_stable_at=now)
    settled = make_study(session, stable_at=now)
    past_due = now - timedelta(hours=1)
    make_task(session, settled, subspecialty="NEURO", created_at=now - timedelta(minutes=10))
    make_task(session, settled, subspecialty="NEURO", state=TaskState.ASSIGNED.value)
    make_task(session, settled, subspecialty="MSK", due_at=past_due)
    make_task(session, settled, subspecialty="MSK", state="IN_PROGRESS", due_at=past_due)
    make_task(session, settled, subspecialty="NEURO", state="FINAL", due_at=past_due)
    session.commit()


def test_waiting_work_gauges_count_studies_and_tasks_per_pool(
    database_url: str, session: Session
) -> None:
    _waiting_work(session)

    gauges = _gauges(database_url)

    def value(name: str, **labels: str) -> float | None:
        return gauges.get_sample_value(name, labels)

    assert value("worklist_studies_awaiting_stability") == 2
    assert value("worklist_tasks_waiting", pool="NEURO", state="UNASSIGNED") == 1
    assert value("worklist_tasks_waiting", pool="NEURO", state="ASSIGNED") == 1
    assert value("worklist_tasks_waiting", pool="MSK", state="UNASSIGNED") == 1
    assert value("worklist_tasks_waiting", pool="BREAST", state="UNASSIGNED") == 0
    assert value("worklist_tasks_overdue", pool="MSK") == 2
    assert value("worklist_tasks_overdue", pool="NEURO") == 0
    age = value("worklist_oldest_unassigned_task_age_seconds")
    assert age is not None
    assert 600 <= age < 900


def test_no_unassigned_task_means_an_age_of_zero(database_url: str) -> None:
    age = _gauges(database_url).get_sample_value("worklist_oldest_unassigned_task_age_seconds")

    assert age == 0


def test_an_unreachable_database_leaves_the_gauges_out_of_the_scrape() -> None:
    gauges = _gauges("postgresql://nobody@127.0.0.1:1/none?connect_timeout=1")

    assert gauges.get_sample_value("worklist_studies_awaiting_stability") is None


def _failing(session: Session, settings: Settings) -> int:
    raise RuntimeError("this job always fails")


def test_job_runs_and_failures_are_counted_per_job(database_url: str, settings: Settings) -> None:
    def count(name: str, job: str) -> float:
        return REGISTRY.get_sample_value(name, {"job": job}) or 0.0

    jobs = [Job("counted-ok", 60.0, lambda s, _: 0), Job("counted-failing", 60.0, _failing)]
    before = {(n, j.name): count(n, j.name) for n in ("worklist_job_runs_total",
              "worklist_job_failures_total") for j in jobs}  # fmt: skip

    run_forever(jobs, database_url, settings, lambda seconds: True)

    def added(name: str, job: str) -> float:
        return count(name, job) - before[(name, job)]

    assert added("worklist_job_runs_total", "counted-ok") == 1
    assert added("worklist_job_failures_total", "counted-ok") == 0
    assert added("worklist_job_runs_total", "counted-failing") == 1
    assert added("worklist_job_failures_total", "counted-failing") == 1


@pytest.fixture
def worker_metrics_port(settings: Settings, database_url: str) -> Iterator[int]:
    """`worklist worker` as a process of its own; yields its metrics port."""
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "WORKLIST_HOME": str(settings.home),
        "WORKLIST_WORKER_METRICS_PORT": str(port),
    }
    settings.home.mkdir(parents=True, exist_ok=True)
    with (Path(settings.home) / "worker.log").open("ab") as log:
        worker = subprocess.Popen([sys.executable, "-m", "app", "worker"], env=env, stderr=log)
    try:
        wait_for_port(port)
        yield port
    finally:
        worker.terminate()
        worker.wait(30)


def test_the_worker_serves_job_runs_and_waiting_work_on_its_metrics_port(
    session: Session, worker_metrics_port: int
) -> None:
    _waiting_work(session)
    url = f"http://127.0.0.1:{worker_metrics_port}/metrics"

    deadline = time.monotonic() + 30
    while True:
        with urllib.request.urlopen(url, timeout=10) as answer:
            scraped = answer.read().decode()
        if re.search(r'^worklist_job_runs_total\{job="stability-sweep"\} [1-9]', scraped, re.M):
            break
        assert time.monotonic() < deadline, scraped
        time.sleep(0.2)

    assert 'worklist_job_failures_total{job="stability-sweep"} 0.0' in scraped
    assert 'worklist_tasks_waiting{pool="NEURO",state="ASSIGNED"} 1.0' in scraped
    assert 'worklist_tasks_overdue{pool="MSK"}' in scraped  # escalation may move them on
    assert "worklist_oldest_unassigned_task_age_seconds" in scraped
    assert "worklist_studies_awaiting_stability" in scraped
