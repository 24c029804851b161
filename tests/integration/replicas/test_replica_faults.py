"""Faults among replicas under load: a listener killed mid-association, a worker killed
mid-sweep, an API process killed mid-claim, Postgres restarted, the object store unanswering
for 30 s. Each ends with nothing acknowledged lost, nothing done twice, and the survivors still
serving; the figures are printed (`-s`) for the record."""

import threading
import time
from collections import Counter
from pathlib import Path

import httpx
import pytest

from app.db.embedded import start_embedded_postgres, stop_embedded_postgres
from tests.integration.replicas.conftest import STUDIES
from tests.support.db_locks import waiting_replicas, writes_wait
from tests.support.network import echo_answered
from tests.support.replica_checks import (
    Headers,
    current_versions,
    instance_figures,
    instance_rows,
    show_figures,
    task_actions,
    task_figures,
    wait_until,
)
from tests.support.replicas import AE_TITLE, Cluster, Replica
from tests.support.s3 import S3Server
from tests.support.storescu import Push, pushing_each

pytestmark = [pytest.mark.faults, pytest.mark.slow, pytest.mark.dcmtk]

FAULT_AFTER_ROWS = 40
S3_OUTAGE = 30.0


def test_listener_killed_mid_association(
    cluster: Cluster, readers: list[Headers], halves: tuple[Path, Path], tmp_path: Path
) -> None:
    listener_a, listener_b = cluster.of_kind("listener")
    targets = [(halves[0], listener_a.port), (halves[1], listener_b.port)]
    with pushing_each(targets, AE_TITLE, tmp_path / "senders") as push:
        wait_until(lambda: len(instance_rows(cluster.database_url)) >= FAULT_AFTER_ROWS, 60, "rows")
        assert not push.finished(), "the push ended before the fault"
        listener_a.kill()
    # The host starts its listener again; the sender retries what was not acknowledged.
    restarted = cluster.start("listener", listener_a.name)
    retry = _retry(cluster, halves, [restarted, listener_b], tmp_path)
    _assert_nothing_lost_or_twice(cluster, [push, retry], halves, "listener killed")
    assert echo_answered(listener_b.port, AE_TITLE, 10)


def test_worker_killed_mid_sweep(
    cluster: Cluster, readers: list[Headers], halves: tuple[Path, Path], tmp_path: Path
) -> None:
    listener_a, listener_b = cluster.of_kind("listener")
    targets = [(halves[0], listener_a.port), (halves[1], listener_b.port)]
    with pushing_each(targets, AE_TITLE, tmp_path / "senders") as push:
        pass
    # Taken before the studies are stable: the sweep that marks them stable then waits, holding
    # their rows, to write their tasks. (Taken earlier, it would hold up the listeners too.)
    with writes_wait(cluster.database_url, "reading_tasks"):
        # The sweep has marked its studies stable and waits to write their tasks: kill it there.
        wait_until(
            lambda: bool(waiting_replicas(cluster.database_url, "stability-sweep")),
            60,
            "a sweep waiting to route",
        )
        (sweeping_name,) = waiting_replicas(cluster.database_url, "stability-sweep")
        (sweeping,) = [w for w in cluster.of_kind("worker") if w.name == sweeping_name]
        sweeping.kill()
    _assert_nothing_lost_or_twice(cluster, [push], halves, "worker killed mid-sweep")
    assert cluster.of_kind("worker"), "no worker survived"


def test_api_process_killed_mid_claim(
    cluster: Cluster, readers: list[Headers], halves: tuple[Path, Path], tmp_path: Path
) -> None:
    listener_a, listener_b = cluster.of_kind("listener")
    api_a, api_b = cluster.of_kind("api")
    targets = [(halves[0], listener_a.port), (halves[1], listener_b.port)]
    with pushing_each(targets, AE_TITLE, tmp_path / "senders") as push:
        pass
    wait_until(lambda: task_figures(cluster.database_url)["assigned"] == STUDIES, 60, "assigned")
    lee = readers[0]
    answers: list[BaseException | int] = []
    with writes_wait(cluster.database_url, "task_events"):
        claim = threading.Thread(target=_claim_next, args=(api_a, lee, answers))
        claim.start()
        wait_until(lambda: api_a.name in waiting_replicas(cluster.database_url), 30, "a claim")
        api_a.kill()
        claim.join(30)
    assert answers, "the claim neither answered nor failed"
    assert not isinstance(answers[0], int), f"the claim was answered {answers[0]}"
    retried = httpx.post(f"{api_b.url}/api/v1/tasks/next", headers=lee, timeout=30)
    assert retried.status_code == 200, retried.text
    claims = Counter(
        action
        for task_id in current_versions(cluster.database_url)
        for action in task_actions(cluster.database_url, task_id)
        if action == "claim"
    )
    show_figures("API killed mid-claim, the claim", {"claims_recorded": claims["claim"]})
    assert claims["claim"] == 1
    _assert_nothing_lost_or_twice(cluster, [push], halves, "API killed mid-claim")


def test_postgres_restarted_under_load(
    cluster: Cluster,
    readers: list[Headers],
    halves: tuple[Path, Path],
    tmp_path: Path,
    pgdata: Path,
) -> None:
    listener_a, listener_b = cluster.of_kind("listener")
    targets = [(halves[0], listener_a.port), (halves[1], listener_b.port)]
    polled: Counter[int] = Counter()
    stop_polling = threading.Event()
    poller = threading.Thread(
        target=_poll, args=(cluster.of_kind("api"), readers[0], polled, stop_polling)
    )
    poller.start()
    try:
        with pushing_each(targets, AE_TITLE, tmp_path / "senders") as push:
            wait_until(
                lambda: len(instance_rows(cluster.database_url)) >= FAULT_AFTER_ROWS, 60, "rows"
            )
            stop_embedded_postgres(pgdata)
            time.sleep(3)
            assert start_embedded_postgres(pgdata, "worklist") == cluster.database_url
        retry = _retry(cluster, halves, [listener_a, listener_b], tmp_path)
        _assert_nothing_lost_or_twice(cluster, [push, retry], halves, "Postgres restarted")
    finally:
        stop_polling.set()
        poller.join(30)
    show_figures(
        "Postgres restarted, the answers", {"api": dict(polled), "c_store": dict(push.statuses)}
    )
    assert set(polled) <= {200, 503}, polled
    assert set(push.statuses) <= {"Success", "Refused: OutOfResources"}, push.statuses


def test_object_store_unanswering_for_30_seconds(
    cluster: Cluster,
    readers: list[Headers],
    halves: tuple[Path, Path],
    tmp_path: Path,
    s3_server: S3Server,
) -> None:
    listener_a, listener_b = cluster.of_kind("listener")
    targets = [(halves[0], listener_a.port), (halves[1], listener_b.port)]
    with pushing_each(targets, AE_TITLE, tmp_path / "senders") as push:
        wait_until(lambda: len(instance_rows(cluster.database_url)) >= FAULT_AFTER_ROWS, 60, "rows")
        with s3_server.paused():
            rows_at_pause = len(instance_rows(cluster.database_url))
            time.sleep(S3_OUTAGE)
            rows_in_outage = len(instance_rows(cluster.database_url)) - rows_at_pause
    retry = _retry(cluster, halves, [listener_a, listener_b], tmp_path)
    _assert_nothing_lost_or_twice(cluster, [push, retry], halves, "S3 unanswering for 30 s")
    show_figures(
        "S3 unanswering, the answers",
        {"c_store": dict(push.statuses), "rows_written_in_outage": rows_in_outage},
    )
    assert set(push.statuses) <= {"Success", "Refused: OutOfResources"}, push.statuses
    assert rows_in_outage <= 2  # one per listener, already past its store when it stopped


def _claim_next(api: Replica, reader: Headers, answers: list[BaseException | int]) -> None:
    try:
        answers.append(
            httpx.post(f"{api.url}/api/v1/tasks/next", headers=reader, timeout=60).status_code
        )
    except httpx.HTTPError as error:
        answers.append(error)


def _poll(
    apis: list[Replica], reader: Headers, statuses: Counter[int], stop: threading.Event
) -> None:
    """A reading room polling its worklist through every API replica until `stop`, once a second:
    within the per-token polling rate, so every answer is about the database, never a 429."""
    with httpx.Client(headers=reader, timeout=30) as http:
        while not stop.is_set():
            for api in apis:
                statuses[http.get(f"{api.url}/api/v1/tasks").status_code] += 1
            time.sleep(1.0)


def _retry(
    cluster: Cluster, halves: tuple[Path, Path], listeners: list[Replica], tmp_path: Path
) -> Push:
    """The senders send each half again to its listener, as a PACS retries a failed transfer."""
    targets = [(half, listener.port) for half, listener in zip(halves, listeners, strict=True)]
    with pushing_each(targets, AE_TITLE, tmp_path / "retry") as retry:
        pass
    return retry


def _assert_nothing_lost_or_twice(
    cluster: Cluster, pushes: list[Push], halves: tuple[Path, Path], fault: str
) -> None:
    every_uid = {path.stem for half in halves for path in half.glob("*.dcm")}
    wait_until(
        lambda: task_figures(cluster.database_url)["tasks"] == STUDIES, 90, "every study routed"
    )
    wait_until(lambda: task_figures(cluster.database_url)["assigned"] == STUDIES, 60, "assigned")
    instances, tasks = (
        instance_figures(pushes, cluster, every_uid),
        task_figures(cluster.database_url),
    )
    show_figures(fault, instances, tasks)
    assert (instances["acknowledged_lost"], instances["duplicates"], instances["missing"]) == (
        0,
        0,
        0,
    )
    assert instances["rows"] == instances["objects"] == len(every_uid)
    assert (tasks["studies"], tasks["tasks"]) == (STUDIES, STUDIES)
    assert (tasks["routed_twice"], tasks["assigned_twice"]) == (0, 0)
    for api in cluster.of_kind("api"):
        assert httpx.get(f"{api.url}/readyz", timeout=10).status_code == 200
