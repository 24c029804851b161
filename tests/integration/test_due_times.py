"""Every due time follows the WORKLIST_SLA_* settings, whatever sets it."""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.api.main import create_app
from app.routing.escalation import escalate_due
from app.settings import Settings
from app.studies.models import Study
from app.tasks.models import ReadingTask
from app.vocabulary import Priority, TaskKind, TaskState
from tests.support.factories import make_radiologist, make_study, make_task

Headers = dict[str, str]
STABLE_AT = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


@pytest.fixture
def odd_sla(settings: Settings) -> Settings:
    """Service levels no code could have written down by chance."""
    return settings.model_copy(
        update={
            "sla_stat_hours": 0.5,
            "sla_urgent_hours": 3.0,
            "sla_routine_hours": 30.0,
            "sla_second_opinion_hours": 10.0,
        }
    )


@pytest.fixture
def odd_client(odd_sla: Settings, database_url: str) -> Iterator[TestClient]:
    with TestClient(create_app(odd_sla, database_url)) as client:
        yield client


def test_a_changed_priority_is_due_by_the_settings(
    odd_client: TestClient, session: Session, admin_headers: Headers
) -> None:
    study = make_study(session, stable_at=STABLE_AT)
    reader = make_radiologist(session)
    # Claimed already, so the study is not routed again: the task only takes the new priority.
    task = make_task(
        session,
        study,
        state=TaskState.IN_PROGRESS.value,
        assignee_id=reader.id,
        priority=Priority.ROUTINE.value,
    )
    session.commit()
    response = odd_client.patch(
        f"/api/v1/studies/{study.study_instance_uid}",
        json={"priority": "URGENT"},
        headers=admin_headers,
    )
    assert response.status_code == 200, response.text
    session.refresh(task)
    assert task.due_at == STABLE_AT + timedelta(hours=3)


def test_a_second_opinion_is_due_by_the_settings(
    odd_client: TestClient, session: Session, admin_headers: Headers
) -> None:
    primary = make_task(session, state=TaskState.FINAL.value)
    uid = session.get_one(Study, primary.study_id).study_instance_uid
    session.commit()
    asked = datetime.now(UTC)
    response = odd_client.post(
        f"/api/v1/studies/{uid}/second-opinions",
        json={"subspecialty": "MSK"},
        headers=admin_headers,
    )
    assert response.status_code == 201, response.text
    over_read = session.get_one(ReadingTask, response.json()["id"])
    assert over_read.kind == TaskKind.SECOND_OPINION.value
    assert abs(over_read.due_at - (asked + timedelta(hours=10))) < timedelta(minutes=1)


def test_an_overdue_preliminary_read_is_escalated_as_open(
    session: Session, odd_sla: Settings
) -> None:
    """PRELIMINARY is an open state everywhere, escalation included."""
    task = make_task(
        session,
        state=TaskState.PRELIMINARY.value,
        due_at=datetime.now(UTC) - timedelta(minutes=5),
    )
    session.commit()
    assert escalate_due(session, odd_sla) == 1
    session.refresh(task)
    assert task.overdue
