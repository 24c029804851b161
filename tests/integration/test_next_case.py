"""`POST /api/v1/tasks/next`: the most urgent eligible task, never handed out twice."""

from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from app.principal import Principal
from app.settings import Settings
from app.tasks.models import ReadingTask, TaskEvent
from app.tasks.second_opinions import create_second_opinion
from app.vocabulary import TaskState
from tests.support.api_server import running_api
from tests.support.factories import make_study, make_task
from tests.support.readers import make_reader

Headers = dict[str, str]
NOW = datetime.now(UTC)
RACE_TASKS = 1000
RACE_CLIENTS = 50


def _next(client: TestClient, headers: Headers) -> int | None:
    response = client.post("/api/v1/tasks/next", headers=headers)
    if response.status_code == 204:
        return None
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["state"] == "IN_PROGRESS"
    return int(body["id"])


def test_own_assigned_task_comes_before_a_more_urgent_pool_task(
    client: TestClient, session: Session, make_token: Callable[..., str]
) -> None:
    reader_id, headers = make_reader(session, make_token)
    make_task(session, priority="STAT")
    mine = make_task(session, state="ASSIGNED", assignee_id=reader_id)
    session.commit()
    assert _next(client, headers) == mine.id


def test_pool_tasks_come_stat_then_urgent_then_routine_then_by_due_time(
    client: TestClient, session: Session, make_token: Callable[..., str]
) -> None:
    _, headers = make_reader(session, make_token, pools=("NEURO", "MSK"))
    routine = make_task(session, priority="ROUTINE", due_at=NOW - timedelta(hours=5))
    urgent_late = make_task(session, priority="URGENT", due_at=NOW + timedelta(hours=2))
    urgent_soon = make_task(session, priority="URGENT", subspecialty="MSK", due_at=NOW)
    stat = make_task(session, priority="STAT", due_at=NOW + timedelta(hours=9))
    make_task(session, priority="STAT", subspecialty="BODY")  # not their pool
    session.commit()
    order = [_next(client, headers) for _ in range(5)]
    assert order == [stat.id, urgent_soon.id, urgent_late.id, routine.id, None]


def test_a_released_case_is_not_offered_again_to_the_same_reader(
    client: TestClient, session: Session, make_token: Callable[..., str]
) -> None:
    _, headers = make_reader(session, make_token)
    _, colleague = make_reader(session, make_token)
    task = make_task(session)
    session.commit()
    assert _next(client, headers) == task.id
    client.post(f"/api/v1/tasks/{task.id}/release", json={"version": 2}, headers=headers)
    assert _next(client, headers) is None
    assert _next(client, colleague) == task.id


def test_the_primary_reader_is_not_offered_the_second_opinion(
    client: TestClient, session: Session, make_token: Callable[..., str]
) -> None:
    primary_reader, headers = make_reader(session, make_token)
    _, colleague = make_reader(session, make_token)
    primary = make_task(session, state=TaskState.FINAL.value, assignee_id=primary_reader)
    over_read = create_second_opinion(
        session, Principal.system("test"), Settings(), primary, "NEURO"
    )
    session.commit()
    assert _next(client, headers) is None
    assert _next(client, colleague) == over_read.id


def test_next_is_for_radiologists_only(client: TestClient, admin_headers: Headers) -> None:
    assert client.post("/api/v1/tasks/next", headers=admin_headers).status_code == 403


def _seed_pool(session: Session, count: int) -> None:
    study = make_study(session)
    rows = [
        {
            "study_id": study.id,
            "state": "UNASSIGNED",
            "subspecialty": "NEURO",
            "priority": ("STAT", "URGENT", "ROUTINE")[i % 3],
            "due_at": NOW + timedelta(minutes=i),
        }
        for i in range(count)
    ]
    session.execute(insert(ReadingTask), rows)
    session.commit()


def _drain(base_url: str, headers: Headers) -> list[int]:
    claimed: list[int] = []
    with httpx.Client(base_url=base_url, headers=headers, timeout=60) as http:
        while True:
            response = http.post("/api/v1/tasks/next")
            if response.status_code == 204:
                return claimed
            response.raise_for_status()
            claimed.append(response.json()["id"])


def test_fifty_clients_racing_for_next_claim_each_task_exactly_once(
    session: Session, make_token: Callable[..., str], database_url: str, tmp_path: Path
) -> None:
    _seed_pool(session, RACE_TASKS)
    readers = [make_reader(session, make_token)[1] for _ in range(RACE_CLIENTS)]
    with (
        running_api(database_url, tmp_path) as server,
        ThreadPoolExecutor(RACE_CLIENTS) as pool,
    ):
        results = list(pool.map(lambda headers: _drain(server.url, headers), readers))
    claimed = Counter(task_id for result in results for task_id in result)
    assert len(claimed) == RACE_TASKS
    assert set(claimed.values()) == {1}
    left = select(func.count()).where(ReadingTask.state != TaskState.IN_PROGRESS.value)
    assert session.scalar(left) == 0
    claims = select(func.count()).select_from(TaskEvent).where(TaskEvent.action == "claim")
    assert session.scalar(claims) == RACE_TASKS


def test_next_answers_with_the_claimed_task_as_the_worklist_shows_it(
    client: TestClient, session: Session, make_token: Callable[..., str]
) -> None:
    _, headers = make_reader(session, make_token)
    make_task(session, priority="STAT", due_at=NOW - timedelta(hours=1))
    session.commit()
    claimed = client.post("/api/v1/tasks/next", headers=headers).json()
    listed = client.get("/api/v1/tasks?assignee=me", headers=headers).json()["items"]
    assert listed == [claimed]
    assert (claimed["overdue"], claimed["version"]) == (True, 2)
