"""A new rule version moves every task nobody has started, and a task handed back to the queue
later is placed by the rules current then, not by the version that first routed it."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.audit.models import AuditEvent
from app.routing.returns import release_lapsed_leases
from app.settings import Settings
from app.tasks.models import ReadingTask, TaskEvent
from app.vocabulary import TaskState
from app.workflow.on_stable import on_study_stable
from tests.integration.routing.studies import make_stable_brain_study
from tests.support.factories import make_radiologist
from tests.support.readers import make_reader
from tests.support.rules import BRAIN_TO_BODY, save_first_rule

Headers = dict[str, str]
KNEE_TO_MSK = {"id": "knee-to-msk", "when": {"region": ["KNEE"]}, "then": {"subspecialty": "MSK"}}


def _routed_brain_tasks(session: Session, settings: Settings, count: int) -> list[ReadingTask]:
    for _ in range(count):
        on_study_stable(session, make_stable_brain_study(session, question="headache"), settings)
    session.commit()
    return list(session.scalars(select(ReadingTask).order_by(ReadingTask.id)))


def _reroutes(session: Session) -> list[tuple[int, dict[str, object]]]:
    rows = session.execute(
        select(TaskEvent.task_id, TaskEvent.details).where(TaskEvent.action == "reroute")
    )
    return [(task_id, details) for task_id, details in rows]


def test_save_moves_assigned_and_unassigned_tasks_reassigns_them_and_counts_the_moves(
    client: TestClient, admin_headers: Headers, session: Session, settings: Settings
) -> None:
    neuro = make_radiologist(session, subspecialties=("NEURO",), max_open_tasks=1)
    assigned, waiting = _routed_brain_tasks(session, settings, 2)
    assert (assigned.state, assigned.assignee_id) == (TaskState.ASSIGNED.value, neuro.id)
    assert waiting.state == TaskState.UNASSIGNED.value
    body_reader = make_radiologist(session, subspecialties=("BODY",))
    session.commit()

    saved = save_first_rule(client, admin_headers, BRAIN_TO_BODY)

    priority = assigned.priority
    assert saved["rerouted"] == {
        "tasks": 2,
        "moves": [
            {
                "from": {"subspecialty": "NEURO", "priority": priority},
                "to": {"subspecialty": "BODY", "priority": priority},
                "tasks": 2,
            }
        ],
    }
    session.expire_all()
    tasks = session.scalars(select(ReadingTask).order_by(ReadingTask.id)).all()
    assert [(t.subspecialty, t.rule_version, t.assignee_id, t.state) for t in tasks] == [
        ("BODY", 2, body_reader.id, TaskState.ASSIGNED.value)
    ] * 2
    reroutes = _reroutes(session)
    assert sorted(task_id for task_id, _ in reroutes) == [assigned.id, waiting.id]
    assert {(d["rule_version"], d["rule"]) for _, d in reroutes} == {(2, "brain-to-body")}
    audited = session.scalars(
        select(AuditEvent.details).where(AuditEvent.object_type == "reading_task")
    ).all()
    assert sum(d.get("action") == "reroute" and d.get("rule_version") == 2 for d in audited) == 2


def test_save_leaves_started_tasks_and_tasks_it_does_not_move(
    client: TestClient,
    admin_headers: Headers,
    session: Session,
    settings: Settings,
    make_token: Callable[..., str],
) -> None:
    _, reader = make_reader(session, make_token, pools=("NEURO",))
    started, waiting = _routed_brain_tasks(session, settings, 2)
    claimed = client.post(f"/api/v1/tasks/{started.id}/claim", json={"version": 2}, headers=reader)
    assert claimed.status_code == 200, claimed.text

    unrelated = save_first_rule(client, admin_headers, KNEE_TO_MSK)
    moving = save_first_rule(client, admin_headers, BRAIN_TO_BODY)

    assert unrelated["rerouted"] == {"tasks": 0, "moves": []}
    assert moving["rerouted"]["tasks"] == 1
    session.expire_all()
    after = {
        t.id: (t.state, t.subspecialty, t.rule_version)
        for t in session.scalars(select(ReadingTask))
    }
    assert after[started.id] == (TaskState.IN_PROGRESS.value, "NEURO", 1)
    assert after[waiting.id][1:] == ("BODY", 3)
    assert [task_id for task_id, _ in _reroutes(session)] == [waiting.id]


@dataclass(frozen=True)
class Scene:
    client: TestClient
    admin: Headers
    reader: Headers
    session: Session
    settings: Settings
    task_id: int


def _unassign(scene: Scene) -> None:
    url = f"/api/v1/tasks/{scene.task_id}/unassign"
    answer = scene.client.post(url, json={"version": 3}, headers=scene.admin)
    assert answer.status_code == 200, answer.text


def _release(scene: Scene) -> None:
    url = f"/api/v1/tasks/{scene.task_id}/release"
    answer = scene.client.post(url, json={"version": 3}, headers=scene.reader)
    assert answer.status_code == 200, answer.text


def _lapse(scene: Scene) -> None:
    lapsed = datetime.now(UTC) - timedelta(minutes=1)
    scene.session.execute(update(ReadingTask).values(lease_expires_at=lapsed))
    assert release_lapsed_leases(scene.session, scene.settings) == 1
    scene.session.commit()


@pytest.mark.parametrize(
    "hand_back", [_unassign, _release, _lapse], ids=["unassign", "release", "lease-expiry"]
)
def test_a_task_handed_back_after_a_save_is_placed_by_the_current_rules(
    client: TestClient,
    admin_headers: Headers,
    session: Session,
    settings: Settings,
    make_token: Callable[..., str],
    hand_back: Callable[[Scene], None],
) -> None:
    neuro_id, reader = make_reader(session, make_token, pools=("NEURO",))
    (task,) = _routed_brain_tasks(session, settings, 1)
    claimed = client.post(f"/api/v1/tasks/{task.id}/claim", json={"version": 2}, headers=reader)
    assert claimed.status_code == 200, claimed.text
    save_first_rule(client, admin_headers, BRAIN_TO_BODY)

    hand_back(Scene(client, admin_headers, reader, session, settings, task.id))

    session.expire_all()
    back = session.get(ReadingTask, task.id)
    assert back is not None
    assert (back.subspecialty, back.rule_version) == ("BODY", 2)
    assert back.assignee_id != neuro_id
    assert [d["rule_version"] for _, d in _reroutes(session)] == [2]
