"""The example client of docs/api.md against a live API: what the guide teaches really works."""

from collections.abc import Callable, Iterator

import pytest
from sqlalchemy.orm import Session

from app.api.main import create_app
from app.settings import Settings
from docs.examples.worklist_client import ApiProblem, StaleVersion, WorklistClient
from tests.support.factories import make_task
from tests.support.live_api import serving
from tests.support.readers import make_reader


@pytest.fixture
def live_api(settings: Settings, database_url: str) -> Iterator[str]:
    with serving(create_app(settings, database_url)) as base_url:
        yield base_url


@pytest.fixture
def reader_client(
    live_api: str, session: Session, make_token: Callable[..., str]
) -> Iterator[WorklistClient]:
    _, headers = make_reader(session, make_token)
    token = headers["Authorization"].removeprefix("Bearer ")
    client = WorklistClient(live_api, token)
    yield client
    client.close()


def _waiting_tasks(session: Session, count: int) -> list[int]:
    ids = [make_task(session).id for _ in range(count)]
    session.commit()
    return ids


def test_polls_claims_and_finalizes_as_the_guide_says(
    reader_client: WorklistClient, session: Session
) -> None:
    _waiting_tasks(session, 2)
    first = reader_client.worklist(assignee="none")
    assert first is not None
    assert len(first) == 2
    assert reader_client.worklist(assignee="none") is None  # 304: nothing moved
    task = reader_client.next_case()
    assert task is not None
    assert task["state"] == "IN_PROGRESS"
    after = reader_client.worklist(assignee="none")
    assert after is not None
    assert len(after) == 1
    done = reader_client.act(task, "finalize", impression="No acute abnormality.")
    assert (done["state"], done["version"]) == ("FINAL", task["version"] + 1)


def test_a_stale_version_raises_with_the_tasks_current_one(
    reader_client: WorklistClient, session: Session
) -> None:
    _waiting_tasks(session, 1)
    task = reader_client.next_case()
    assert task is not None
    with pytest.raises(StaleVersion) as stale:
        reader_client.act(task | {"version": task["version"] - 1}, "release")
    assert stale.value.problem["version"] == task["version"]
    with pytest.raises(ApiProblem) as blank:
        reader_client.act(task, "finalize", impression=" ")
    assert (blank.value.status, blank.value.problem["fields"]) == (422, ["impression"])


def test_follows_changes_without_missing_or_repeating_one(
    reader_client: WorklistClient, session: Session
) -> None:
    ids = _waiting_tasks(session, 3)
    assert sorted(change["id"] for change in reader_client.changes()) == ids
    assert list(reader_client.changes()) == []
    task = reader_client.next_case()
    assert task is not None
    assert [(c["id"], c["version"]) for c in reader_client.changes()] == [
        (task["id"], task["version"])
    ]


def test_events_replay_what_a_reconnecting_client_missed(
    reader_client: WorklistClient, session: Session
) -> None:
    _waiting_tasks(session, 1)
    task = reader_client.next_case()
    assert task is not None
    reader_client.last_event_id = "0"  # as if the stream had dropped before the claim
    replayed = next(reader_client.events(read_timeout=20))
    assert (replayed["id"], replayed["state"]) == (task["id"], "IN_PROGRESS")
    assert reader_client.last_event_id not in (None, "0")
