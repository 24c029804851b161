"""What changed since a cursor, by polling `/changes` or streaming `/events` across replicas."""

import json
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.orm import Session

from app.db.session import new_session
from tests.support.api_server import running_api
from tests.support.factories import make_task

Headers = dict[str, str]


def test_changes_since_a_cursor_lists_each_changed_task_once(
    client: TestClient, session: Session, admin_headers: Headers
) -> None:
    first, second = make_task(session), make_task(session)
    session.commit()
    start = client.get("/api/v1/changes", headers=admin_headers).json()
    assert [item["id"] for item in start["items"]] == [first.id, second.id]
    client.post(f"/api/v1/tasks/{second.id}/cancel", json={"version": 1}, headers=admin_headers)
    later = client.get(f"/api/v1/changes?since={start['cursor']}", headers=admin_headers).json()
    assert [(item["id"], item["state"]) for item in later["items"]] == [(second.id, "CANCELLED")]
    quiet = client.get(f"/api/v1/changes?since={later['cursor']}", headers=admin_headers).json()
    assert quiet["items"] == []


def test_a_change_that_commits_after_a_later_numbered_one_is_not_skipped(
    client: TestClient, session: Session, admin_headers: Headers, database_url: str
) -> None:
    early, late = make_task(session), make_task(session)
    session.commit()
    _, cursor = _changes(client, admin_headers, "0")
    slow, quick = new_session(database_url), new_session(database_url)
    try:
        _cancel(slow, early.id)  # takes its change number first, commits last
        _cancel(quick, late.id)
        quick.commit()
        seen_before, cursor = _changes(client, admin_headers, cursor)
        slow.commit()
        seen_after, _ = _changes(client, admin_headers, cursor)
    finally:
        slow.close()
        quick.close()

    assert sorted(seen_before + seen_after) == [early.id, late.id]


def _cancel(session: Session, task_id: int) -> None:
    cancel = text("UPDATE reading_tasks SET state = 'CANCELLED' WHERE id = :id")
    session.execute(cancel, {"id": task_id})


def _changes(client: TestClient, headers: Headers, since: str) -> tuple[list[int], str]:
    answer = client.get(f"/api/v1/changes?since={since}", headers=headers).json()
    return [item["id"] for item in answer["items"]], answer["cursor"]


def test_a_cursor_the_feed_never_handed_out_is_refused(
    client: TestClient, admin_headers: Headers
) -> None:
    answer = client.get("/api/v1/changes?since=12;drop", headers=admin_headers)
    assert answer.status_code == 422
    assert "not a position" in answer.json()["detail"]


def _first_task_event(response: httpx.Response, found: list[dict[str, Any]]) -> None:
    for line in response.iter_lines():
        if line.startswith("data: "):
            found.append(json.loads(line.removeprefix("data: ")))
            return


def test_event_stream_of_one_replica_carries_a_change_made_through_another(
    session: Session,
    admin_headers: Headers,
    database_url: str,
    tmp_path: Path,
    make_token: Callable[..., str],
) -> None:
    task = make_task(session)
    session.commit()
    found: list[dict[str, Any]] = []
    with (
        running_api(database_url, tmp_path / "a") as replica_a,
        running_api(database_url, tmp_path / "b") as replica_b,
        httpx.Client(headers=admin_headers, timeout=30) as http,
        http.stream("GET", f"{replica_b.url}/api/v1/events") as stream,
    ):
        assert stream.headers["content-type"].startswith("text/event-stream")
        reader = threading.Thread(target=_first_task_event, args=(stream, found))
        reader.start()
        answer = http.post(f"{replica_a.url}/api/v1/tasks/{task.id}/cancel", json={"version": 1})
        assert answer.status_code == 200
        reader.join(timeout=30)
    assert [(c["id"], c["state"], c["version"]) for c in found] == [(task.id, "CANCELLED", 2)]


def test_a_resuming_stream_replays_what_it_missed(
    session: Session, admin_headers: Headers, database_url: str, tmp_path: Path
) -> None:
    task = make_task(session)
    session.commit()
    found: list[dict[str, Any]] = []
    with (
        running_api(database_url, tmp_path) as replica,
        httpx.Client(headers=admin_headers | {"Last-Event-ID": "0"}, timeout=30) as http,
        http.stream("GET", f"{replica.url}/api/v1/events") as stream,
    ):
        _first_task_event(stream, found)
    assert [(c["id"], c["state"]) for c in found] == [(task.id, "UNASSIGNED")]
