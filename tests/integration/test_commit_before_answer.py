"""A write is committed before its answer leaves: a client acting on the answer sees its change.

The session dependency commits when it exits; FastAPI runs a request-scoped dependency's exit
after the response is sent, so a client could read, poll or act before the write was visible,
and be told of success for a transaction that then failed to commit.
"""

from collections.abc import Callable, Iterator

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.api.main import create_app
from app.settings import Settings
from app.tasks.models import ReadingTask
from tests.support.factories import make_task
from tests.support.live_api import serving
from tests.support.readers import make_reader

ROUNDS = 30


@pytest.fixture
def live_api(settings: Settings, database_url: str) -> Iterator[str]:
    with serving(create_app(settings, database_url)) as base_url:
        yield base_url


def test_a_claim_is_committed_when_its_answer_arrives(
    live_api: str, session: Session, make_token: Callable[..., str]
) -> None:
    _, headers = make_reader(session, make_token)
    ids = [make_task(session).id for _ in range(ROUNDS)]
    session.commit()
    unseen = []
    with httpx.Client(base_url=live_api, headers=headers, timeout=30) as client:
        for task_id in ids:
            response = client.post(f"/api/v1/tasks/{task_id}/claim", json={"version": 1})
            assert response.status_code == 200
            state = session.scalar(select(ReadingTask.state).where(ReadingTask.id == task_id))
            session.commit()  # each read sees what was committed before it, nothing more
            if state != "IN_PROGRESS":
                unseen.append(task_id)
    assert unseen == []
