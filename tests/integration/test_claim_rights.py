"""`/claim` and `/next` obey one definition of who may claim what.

Every state × role × pool × assignee × over-read case is tried both ways on its own task: the
task `/claim` accepts is exactly the one `/next` hands out.
"""

import itertools
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete
from sqlalchemy.orm import Session

from app.db.session import session_scope
from app.tasks.models import ReadingTask, TaskEvent
from app.vocabulary import Role, TaskKind, TaskState
from tests.support.factories import make_radiologist, make_study, make_task
from tests.support.readers import bearer

MY_POOL, OTHER_POOL = "NEURO", "MSK"


@dataclass(frozen=True)
class Case:
    state: TaskState
    role: Role
    pool: str
    assignee: str | None  # "me", "other" or nobody
    over_read_of: str | None  # a second opinion on the read of "me" or "other", or a primary


CASES = [
    Case(*values)
    for values in itertools.product(
        TaskState, Role, (MY_POOL, OTHER_POOL), ("me", "other", None), (None, "me", "other")
    )
]


@dataclass(frozen=True)
class People:
    me: int
    other: int
    headers: dict[Role, dict[str, str]]


@pytest.fixture
def people(session: Session, make_token: Callable[..., str]) -> People:
    me = make_radiologist(session, subspecialties=(MY_POOL,)).id
    other = make_radiologist(session, subspecialties=(MY_POOL, OTHER_POOL)).id
    session.commit()
    headers = {
        Role.RADIOLOGIST: bearer(make_token(Role.RADIOLOGIST, radiologist_id=me)),
        Role.ADMIN: bearer(make_token(Role.ADMIN)),
        Role.INTEGRATION: bearer(make_token(Role.INTEGRATION)),
    }
    return People(me, other, headers)


def _task_of(case: Case, people: People, database_url: str) -> tuple[int, int]:
    """The case's task, committed alone among open tasks: its id and version."""
    ids = {"me": people.me, "other": people.other, None: None}
    with session_scope(database_url) as session:
        session.execute(delete(TaskEvent))
        session.execute(delete(ReadingTask))
        study = make_study(session)
        fields: dict[str, object] = {}
        if case.over_read_of is not None:
            primary = make_task(
                session, study, state=TaskState.FINAL.value, assignee_id=ids[case.over_read_of]
            )
            fields = {"kind": TaskKind.SECOND_OPINION.value, "primary_task_id": primary.id}
        task = make_task(
            session,
            study,
            state=case.state.value,
            subspecialty=case.pool,
            assignee_id=ids[case.assignee],
            **fields,
        )
        return task.id, task.version


def _claimed_by_claim(client: TestClient, case: Case, people: People, database_url: str) -> bool:
    task_id, version = _task_of(case, people, database_url)
    response = client.post(
        f"/api/v1/tasks/{task_id}/claim",
        json={"version": version},
        headers=people.headers[case.role],
    )
    assert response.status_code in (200, 403, 422), response.text
    return bool(response.status_code == 200)


def _claimed_by_next(client: TestClient, case: Case, people: People, database_url: str) -> bool:
    task_id, _ = _task_of(case, people, database_url)
    response = client.post("/api/v1/tasks/next", headers=people.headers[case.role])
    assert response.status_code in (200, 204, 403), response.text
    return bool(response.status_code == 200 and response.json()["id"] == task_id)


def test_claim_and_next_agree_on_every_case(
    client: TestClient, people: People, database_url: str
) -> None:
    disagreements = []
    claimable = 0
    for case in CASES:
        by_claim = _claimed_by_claim(client, case, people, database_url)
        by_next = _claimed_by_next(client, case, people, database_url)
        claimable += by_claim
        if by_claim != by_next:
            disagreements.append((case, {"claim": by_claim, "next": by_next}))
    assert disagreements == []
    # And the definition is DESIGN.md's, not merely the same mistake made twice.
    assert claimable == _expected_claimable()


def _expected_claimable() -> int:
    """A radiologist's own assigned task, or a waiting one of their pool; never their own read."""
    return sum(
        case.role is Role.RADIOLOGIST
        and case.over_read_of != "me"
        and (
            (case.state is TaskState.ASSIGNED and case.assignee == "me")
            or (case.state is TaskState.UNASSIGNED and case.pool == MY_POOL)
        )
        for case in CASES
    )
