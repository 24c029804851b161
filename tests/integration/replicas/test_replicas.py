"""Replicas on several hosts: two listeners (no shared disk), two API processes and two workers
against one Postgres. Every instance is stored once, every study routed and assigned once, every
background job's change made once, and both API replicas tell every change."""

from pathlib import Path

import httpx
import pytest

from tests.integration.replicas.conftest import STUDIES
from tests.support.hl7_peers import ResultsReceiver
from tests.support.replica_checks import (
    Headers,
    current_versions,
    feed_versions,
    instance_figures,
    show_figures,
    streaming_events,
    task_actions,
    task_figures,
    wait_until,
)
from tests.support.replicas import AE_TITLE, Cluster
from tests.support.storescu import pushing_each

pytestmark = [pytest.mark.slow, pytest.mark.dcmtk]


def test_two_of_each_process_do_every_piece_of_work_once(
    cluster: Cluster,
    readers: list[Headers],
    admin: Headers,
    halves: tuple[Path, Path],
    results: ResultsReceiver,
    tmp_path: Path,
) -> None:
    listener_a, listener_b = cluster.of_kind("listener")
    api_a, api_b = cluster.of_kind("api")
    every_uid = {path.stem for half in halves for path in half.glob("*.dcm")}
    with (
        streaming_events(api_a.url, admin) as events_a,
        streaming_events(api_b.url, admin) as events_b,
    ):
        targets = [(halves[0], listener_a.port), (halves[1], listener_b.port)]
        with pushing_each(targets, AE_TITLE, tmp_path / "senders") as push:
            pass
        wait_until(
            lambda: task_figures(cluster.database_url)["assigned"] == STUDIES, 60, "assigned"
        )
        lapsed, finalized = _read(api_a.url, api_b.url, readers)
        wait_until(lambda: len(results.received) == 1, 30, "the report delivered")
        wait_until(
            lambda: "release" in task_actions(cluster.database_url, lapsed),
            30,
            "the lapsed claim released",
        )
        wait_until(
            lambda: task_figures(cluster.database_url)["escalations"] >= 2 * (STUDIES - 1),
            60,
            "the open tasks escalated and overdue",
        )
        wait_until(
            lambda: (
                events_a.versions() == current_versions(cluster.database_url) == events_b.versions()
            ),
            30,
            "both replicas' events",
        )

    instances = instance_figures([push], cluster, every_uid)
    tasks = task_figures(cluster.database_url)
    show_figures("two of each, no fault", instances, tasks)
    assert instances["acknowledged"] == instances["rows"] == instances["objects"] == len(every_uid)
    assert (instances["duplicates"], instances["missing"]) == (0, 0)
    assert (tasks["studies"], tasks["tasks"]) == (STUDIES, STUDIES)
    assert (tasks["routed_twice"], tasks["assigned_twice"], tasks["escalated_twice"]) == (0, 0, 0)
    # Escalations may still be moving tasks: both feeds agree with the tasks at one moment.
    wait_until(
        lambda: (
            feed_versions(api_a.url, admin)
            == current_versions(cluster.database_url)
            == feed_versions(api_b.url, admin)
        ),
        30,
        "both replicas' change feeds complete",
    )
    assert [message.msh.msh_9.to_er7() for message in results.received] == ["ORU^R01^ORU_R01"]
    assert finalized in current_versions(cluster.database_url)


def _read(first_api: str, second_api: str, readers: list[Headers]) -> tuple[int, int]:
    """One reader claims through one replica and walks away (the claim lapses); the other
    claims through the second replica and signs through the first. The two task ids."""
    lee, kim = readers
    with httpx.Client(timeout=30) as http:
        walked_away = http.post(f"{first_api}/api/v1/tasks/next", headers=lee).json()
        signed = http.post(f"{second_api}/api/v1/tasks/next", headers=kim).json()
        answer = http.post(
            f"{first_api}/api/v1/tasks/{signed['id']}/finalize",
            json={"version": signed["version"], "impression": "No meniscal tear."},
            headers=kim,
        )
        assert answer.status_code == 200, answer.text
    return walked_away["id"], signed["id"]
