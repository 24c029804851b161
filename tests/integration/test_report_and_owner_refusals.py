"""What a report must say before it is signed, and how someone else's task is refused."""

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.tasks.models import ReadingTask, TaskReport
from app.vocabulary import TaskState
from tests.support.factories import make_task
from tests.support.readers import make_reader

Headers = dict[str, str]


def _post(client: TestClient, task: ReadingTask, action: str, headers: Headers, **body: Any) -> Any:
    return client.post(f"/api/v1/tasks/{task.id}/{action}", json=body, headers=headers)


@pytest.fixture
def reader(session: Session, make_token: Callable[..., str]) -> tuple[int, Headers]:
    return make_reader(session, make_token)


def _reading(session: Session, reader_id: int, state: TaskState = TaskState.IN_PROGRESS) -> Any:
    task = make_task(session, state=state.value, assignee_id=reader_id)
    session.commit()
    return task


@pytest.mark.parametrize("impression", [None, "", "   \n"])
def test_a_final_report_without_an_impression_gets_422_naming_it(
    client: TestClient,
    session: Session,
    reader: tuple[int, Headers],
    impression: str | None,
) -> None:
    reader_id, headers = reader
    task = _reading(session, reader_id)
    body: dict[str, Any] = {"version": 1, "findings": "a 4 mm nodule"}
    if impression is not None:
        body["impression"] = impression
    response = _post(client, task, "finalize", headers, **body)
    assert response.status_code == 422
    assert response.json()["detail"] == "impression: a final report needs an impression"
    assert response.json()["fields"] == ["impression"]
    assert session.scalars(select(TaskReport)).all() == []


def test_an_addendum_without_text_gets_422_naming_its_fields(
    client: TestClient, session: Session, reader: tuple[int, Headers]
) -> None:
    reader_id, headers = reader
    task = _reading(session, reader_id, TaskState.FINAL)
    response = _post(client, task, "addendum", headers, version=1, findings=" ", impression="")
    assert response.status_code == 422
    assert response.json()["fields"] == ["findings", "impression"]
    assert "an addendum needs text" in response.json()["detail"]


def test_a_preliminary_report_may_be_partial(
    client: TestClient, session: Session, reader: tuple[int, Headers]
) -> None:
    reader_id, headers = reader
    task = _reading(session, reader_id)
    response = _post(client, task, "preliminary", headers, version=1, findings="so far: no bleed")
    assert response.status_code == 200
    assert response.json()["state"] == "PRELIMINARY"


@pytest.mark.parametrize(
    ("state", "action"),
    [
        (TaskState.ASSIGNED, "finalize"),
        (TaskState.ASSIGNED, "preliminary"),
        (TaskState.IN_PROGRESS, "claim"),
        (TaskState.IN_PROGRESS, "finalize"),
        (TaskState.PRELIMINARY, "release"),
        (TaskState.FINAL, "addendum"),
    ],
)
def test_acting_on_another_readers_task_gets_403_without_the_actions_of_others(
    client: TestClient,
    session: Session,
    reader: tuple[int, Headers],
    make_token: Callable[..., str],
    state: TaskState,
    action: str,
) -> None:
    owner_id, _ = reader
    _, stranger = make_reader(session, make_token)
    task = _reading(session, owner_id, state)
    report = {"impression": "normal"} if action in {"preliminary", "finalize", "addendum"} else {}
    response = _post(client, task, action, stranger, version=1, **report)
    assert response.status_code == 403
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"] == "this task belongs to another radiologist"
    assert "allowed_actions" not in response.json()
    assert "state" not in response.json()


def test_a_stale_version_on_another_readers_task_still_gets_403(
    client: TestClient,
    session: Session,
    reader: tuple[int, Headers],
    make_token: Callable[..., str],
) -> None:
    owner_id, _ = reader
    _, stranger = make_reader(session, make_token)
    task = _reading(session, owner_id)
    assert _post(client, task, "release", stranger, version=99).status_code == 403
