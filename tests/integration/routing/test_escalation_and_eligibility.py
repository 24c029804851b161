"""SLA escalation of waiting tasks, and the eligibility explanation of a task."""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.jobs.registry import all_jobs
from app.jobs.runner import run_once
from app.routing.escalation import escalate_due
from app.settings import Settings
from app.vocabulary import Priority, Role
from tests.support.factories import make_radiologist, make_study, make_task


def test_at_80_percent_priority_rises_one_step(session: Session, settings: Settings) -> None:
    task = make_task(
        session,
        created_at=datetime.now(UTC) - timedelta(hours=20),
        due_at=datetime.now(UTC) + timedelta(hours=4),
    )

    assert escalate_due(session, settings) == 1

    assert (task.priority, task.overdue, task.escalation_level) == ("URGENT", False, 1)
    assert escalate_due(session, settings) == 0


def test_past_due_widens_to_the_fallback_pool_and_marks_overdue(
    session: Session, settings: Settings
) -> None:
    task = make_task(
        session,
        priority=Priority.URGENT.value,
        created_at=datetime.now(UTC) - timedelta(hours=5),
        due_at=datetime.now(UTC) - timedelta(hours=1),
    )

    escalate_due(session, settings)

    assert (task.priority, task.subspecialty, task.overdue) == ("STAT", "GENERAL", True)
    assert task.route_reasons[-1] == "unread past its SLA: widened to GENERAL"


def test_early_tasks_are_not_escalated(session: Session, settings: Settings) -> None:
    make_task(session)
    assert escalate_due(session, settings) == 0


def test_the_worker_runs_assignment_and_escalation(
    database_url: str, session: Session, settings: Settings
) -> None:
    make_radiologist(session)
    make_task(session)
    session.commit()

    handled = {job.name: run_once(job, database_url, settings) for job in all_jobs(settings)}

    assert (handled["assign-waiting-tasks"], handled["escalate-by-sla"]) == (1, 0)


def test_eligibility_explains_every_radiologist(
    client: TestClient, make_token: Callable[..., str], session: Session
) -> None:
    able = make_radiologist(session, name="Dr Able")
    away = make_radiologist(session, name="Dr Away", on_duty=False, subspecialties=("MSK",))
    task = make_task(session, make_study(session))
    session.commit()
    headers = {"Authorization": f"Bearer {make_token(Role.ADMIN)}"}

    response = client.get(f"/api/v1/tasks/{task.id}/eligibility", headers=headers)

    body = response.json()
    assert response.status_code == 200
    assert body["would_choose"] == able.id
    by_id = {reader["id"]: reader for reader in body["radiologists"]}
    assert (by_id[able.id]["eligible"], by_id[able.id]["reasons"]) == (True, [])
    assert by_id[away.id]["eligible"] is False
    assert by_id[away.id]["reasons"] == ["off duty", "not in the NEURO pool"]
    missing = client.get("/api/v1/tasks/999999/eligibility", headers=headers)
    assert missing.status_code == 404
