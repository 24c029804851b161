"""Every transition through the API: owner rules, versions, reports, history and audit."""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from app.audit.models import AuditEvent
from app.jobs.registry import all_jobs
from app.jobs.runner import run_once
from app.routing.returns import release_lapsed_leases
from app.settings import Settings
from app.tasks.models import ReadingTask, TaskEvent, TaskReport
from app.vocabulary import Role, TaskState
from tests.support.factories import make_task
from tests.support.readers import bearer, make_reader

Headers = dict[str, str]


def _post(client: TestClient, task_id: int, action: str, headers: Headers, **body: Any) -> Any:
    return client.post(f"/api/v1/tasks/{task_id}/{action}", json=body, headers=headers)


def _new_task(session: Session, **fields: Any) -> ReadingTask:
    task = make_task(session, **fields)
    session.commit()
    return task


@pytest.fixture
def reader(session: Session, make_token: Callable[..., str]) -> tuple[int, Headers]:
    return make_reader(session, make_token)


def test_claim_preliminary_finalize_addendum_keeps_every_report(
    client: TestClient, session: Session, reader: tuple[int, Headers]
) -> None:
    reader_id, headers = reader
    task = _new_task(session)
    claimed = _post(client, task.id, "claim", headers, version=1).json()
    assert (claimed["state"], claimed["assignee_id"], claimed["version"]) == (
        "IN_PROGRESS", reader_id, 2,
    )  # fmt: skip
    assert claimed["lease_expires_at"] is not None
    steps = [
        ("preliminary", {"version": 2, "findings": "draft", "impression": "maybe"}),
        ("finalize", {"version": 3, "findings": "final", "impression": "normal"}),
        ("addendum", {"version": 4, "findings": "", "impression": "also a cyst", "critical": True}),
        ("addendum", {"version": 5, "impression": "second addendum"}),
    ]
    states = [
        _post(client, task.id, action, headers, **body).json()["state"] for action, body in steps
    ]
    assert states == ["PRELIMINARY", "FINAL", "ADDENDED", "ADDENDED"]
    reports = session.scalars(select(TaskReport).order_by(TaskReport.id)).all()
    assert [(r.kind, r.impression) for r in reports] == [
        ("PRELIMINARY", "maybe"), ("FINAL", "normal"), ("ADDENDUM", "also a cyst"),
        ("ADDENDUM", "second addendum"),
    ]  # fmt: skip
    assert reports[2].critical


def test_every_transition_writes_history_and_an_audit_row(
    client: TestClient, session: Session, reader: tuple[int, Headers]
) -> None:
    _, headers = reader
    task = _new_task(session)
    _post(client, task.id, "claim", headers, version=1)
    _post(client, task.id, "release", headers, version=2)
    history = session.scalars(select(TaskEvent).order_by(TaskEvent.id)).all()
    assert [(e.action, e.from_state, e.to_state) for e in history] == [
        ("claim", "UNASSIGNED", "IN_PROGRESS"), ("release", "IN_PROGRESS", "UNASSIGNED"),
    ]  # fmt: skip
    audited = session.scalars(
        select(AuditEvent.details).where(AuditEvent.object_type == "reading_task")
    ).all()
    assert [d["action"] for d in audited] == ["claim", "release"]


def test_stale_version_gets_409_with_the_current_state(
    client: TestClient, session: Session, reader: tuple[int, Headers]
) -> None:
    _, headers = reader
    task = _new_task(session)
    assert _post(client, task.id, "claim", headers, version=1).status_code == 200
    response = _post(client, task.id, "release", headers, version=1)
    assert response.status_code == 409
    assert response.headers["content-type"] == "application/problem+json"
    assert (response.json()["state"], response.json()["version"]) == ("IN_PROGRESS", 2)


def test_refused_transition_gets_422_listing_what_the_caller_may_do(
    client: TestClient, session: Session, reader: tuple[int, Headers]
) -> None:
    _, headers = reader
    task = _new_task(session)
    response = _post(client, task.id, "finalize", headers, version=1, impression="x")
    assert response.status_code == 422
    assert response.json()["state"] == "UNASSIGNED"
    assert response.json()["allowed_actions"] == ["claim"]


def test_someone_elses_task_gets_403(
    client: TestClient,
    session: Session,
    reader: tuple[int, Headers],
    make_token: Callable[..., str],
) -> None:
    owner_id, _ = reader
    _, stranger = make_reader(session, make_token)
    task = _new_task(session, state=TaskState.ASSIGNED.value, assignee_id=owner_id)
    assert _post(client, task.id, "claim", stranger, version=1).status_code == 403


def test_claim_outside_ones_pools_gets_403(
    client: TestClient, session: Session, reader: tuple[int, Headers]
) -> None:
    _, headers = reader
    task = _new_task(session, subspecialty="MSK")
    assert _post(client, task.id, "claim", headers, version=1).status_code == 403


def test_release_returns_an_assigned_task_to_its_assignee(
    client: TestClient, session: Session, reader: tuple[int, Headers]
) -> None:
    reader_id, headers = reader
    task = _new_task(session, state=TaskState.ASSIGNED.value, assignee_id=reader_id)
    _post(client, task.id, "claim", headers, version=1)
    released = _post(client, task.id, "release", headers, version=2).json()
    assert (released["state"], released["assignee_id"]) == ("ASSIGNED", reader_id)


def test_admin_assigns_reassigns_unassigns_and_cancels(
    client: TestClient,
    session: Session,
    admin_headers: Headers,
    make_token: Callable[..., str],
) -> None:
    first, _ = make_reader(session, make_token)
    second, _ = make_reader(session, make_token)
    task = _new_task(session)
    steps: list[tuple[str, dict[str, Any], tuple[str, int | None]]] = [
        ("assign", {"version": 1, "radiologist_id": first}, ("ASSIGNED", first)),
        ("reassign", {"version": 2, "radiologist_id": second}, ("ASSIGNED", second)),
        ("unassign", {"version": 3}, ("UNASSIGNED", None)),
        ("cancel", {"version": 4, "reason": "duplicate order"}, ("CANCELLED", None)),
    ]
    for action, body, expected in steps:
        answer = _post(client, task.id, action, admin_headers, **body).json()
        assert (answer["state"], answer["assignee_id"]) == expected


def test_reader_may_not_call_admin_transitions(
    client: TestClient, session: Session, reader: tuple[int, Headers]
) -> None:
    reader_id, headers = reader
    task = _new_task(session)
    response = _post(client, task.id, "assign", headers, version=1, radiologist_id=reader_id)
    assert response.status_code == 403


def test_integration_cancels(
    client: TestClient, session: Session, make_token: Callable[..., str]
) -> None:
    task = _new_task(session)
    headers = bearer(make_token(Role.INTEGRATION))
    assert _post(client, task.id, "cancel", headers, version=1).json()["state"] == "CANCELLED"


def test_heartbeat_renews_the_lease_without_a_new_version(
    client: TestClient, session: Session, reader: tuple[int, Headers]
) -> None:
    _, headers = reader
    task = _new_task(session)
    claimed = _post(client, task.id, "claim", headers, version=1).json()
    renewed = _post(client, task.id, "heartbeat", headers).json()
    assert renewed["version"] == claimed["version"]
    assert renewed["lease_expires_at"] >= claimed["lease_expires_at"]


def test_lapsed_lease_goes_back_to_where_it_was_claimed_from(
    client: TestClient, session: Session, reader: tuple[int, Headers], settings: Settings
) -> None:
    reader_id, headers = reader
    pooled = _new_task(session)
    mine = _new_task(session, state=TaskState.ASSIGNED.value, assignee_id=reader_id)
    for task in (pooled, mine):
        _post(client, task.id, "claim", headers, version=1)
    session.execute(update(ReadingTask).values(lease_expires_at=datetime.now(UTC) - timedelta(1)))
    assert release_lapsed_leases(session, settings) == 2
    session.commit()
    after = {t.id: (t.state, t.assignee_id) for t in session.scalars(select(ReadingTask))}
    assert after == {pooled.id: ("UNASSIGNED", None), mine.id: ("ASSIGNED", reader_id)}
    actors = session.scalars(select(TaskEvent.actor).where(TaskEvent.action == "release"))
    assert set(actors) == {"system:lease-expiry"}


def test_live_lease_is_left_alone(
    client: TestClient, session: Session, reader: tuple[int, Headers], settings: Settings
) -> None:
    _, headers = reader
    task = _new_task(session)
    _post(client, task.id, "claim", headers, version=1)
    assert release_lapsed_leases(session, settings) == 0
    assert session.scalar(select(func.count()).select_from(TaskEvent)) == 1


def test_the_worker_runs_the_lease_job_from_the_registry(
    client: TestClient, session: Session, reader: tuple[int, Headers], settings: Settings
) -> None:
    _, headers = reader
    task = _new_task(session)
    _post(client, task.id, "claim", headers, version=1)
    session.execute(update(ReadingTask).values(lease_expires_at=datetime.now(UTC)))
    session.commit()
    [job] = [job for job in all_jobs(settings) if job.name == "release-lapsed-leases"]
    assert run_once(job, settings.database_url or "", settings) == 1
    session.expire_all()
    assert session.get_one(ReadingTask, task.id).state == "UNASSIGNED"
