"""The processes that may reach Postgres through PgBouncer in transaction mode do their whole
work through it: the worker (stability sweep, assignment, escalation, leases, deliveries) and
the API's requests. The listener keeps a direct connection (its reconciliation holds a session
advisory lock)."""

from pathlib import Path

import httpx
import pytest

from app.vocabulary import Role
from tests.integration.replicas.conftest import JOB_SETTINGS, POOLS, STUDIES, bearer
from tests.support.hl7_peers import ResultsReceiver
from tests.support.pgbouncer import pgbouncer
from tests.support.replica_checks import Headers, task_figures, wait_until
from tests.support.replicas import AE_TITLE, running_cluster
from tests.support.storescu import pushing_each

pytestmark = [pytest.mark.slow, pytest.mark.dcmtk]

POLLS = 40  # well past psycopg's 5 runs of a statement before it would prepare it


def test_worker_and_api_through_pgbouncer_in_transaction_mode(
    cluster_database: str,
    tmp_path: Path,
    results: ResultsReceiver,
    admin: Headers,
    halves: tuple[Path, Path],
) -> None:
    env = JOB_SETTINGS | {"WORKLIST_HL7_DESTINATIONS": f"127.0.0.1:{results.port}"}
    counts = {"listener": 1, "api": 2, "worker": 2}
    with pgbouncer(cluster_database) as pooled:
        through = f"{pooled}?prepare_threshold=none"
        urls = {"api": through, "worker": through}
        with running_cluster(cluster_database, tmp_path / "hosts", env, counts, urls) as cluster:
            (listener,) = cluster.of_kind("listener")
            api_a, api_b = cluster.of_kind("api")
            reader = _reader_on_duty(api_a.url, admin, cluster_database)
            targets = [(half, listener.port) for half in halves]
            with pushing_each(targets, AE_TITLE, tmp_path / "senders") as push:
                pass
            wait_until(
                lambda: task_figures(cluster_database)["assigned"] == STUDIES, 90, "assigned"
            )
            statuses = _poll_claim_and_sign([api_a.url, api_b.url], reader)
            wait_until(lambda: len(results.received) == 1, 30, "the report delivered")
            errors = [r.name for r in cluster.replicas if '"level": "error"' in r.log.read_text()]
    tasks = task_figures(cluster_database)
    assert len(push.acknowledged) == STUDIES * 60
    assert (tasks["tasks"], tasks["routed_twice"], tasks["assigned_twice"]) == (STUDIES, 0, 0)
    assert set(statuses) == {200}, statuses
    assert errors == []


def _reader_on_duty(api_url: str, admin: Headers, database_url: str) -> Headers:
    answer = httpx.post(
        f"{api_url}/api/v1/radiologists",
        json={"name": "Dr Lee", "subspecialties": POOLS, "on_duty": True},
        headers=admin,
        timeout=30,
    )
    assert answer.status_code == 201, answer.text
    return bearer(database_url, Role.RADIOLOGIST, answer.json()["id"])


def _poll_claim_and_sign(api_urls: list[str], reader: Headers) -> list[int]:
    statuses = []
    with httpx.Client(headers=reader, timeout=30) as http:
        for number in range(POLLS):
            statuses.append(http.get(f"{api_urls[number % 2]}/api/v1/tasks").status_code)
        task = http.post(f"{api_urls[0]}/api/v1/tasks/next").json()
        signed = http.post(
            f"{api_urls[1]}/api/v1/tasks/{task['id']}/finalize",
            json={"version": task["version"], "impression": "No meniscal tear."},
        )
        statuses.append(signed.status_code)
    return statuses
