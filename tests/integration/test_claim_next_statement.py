"""`claim_next` on real Postgres: one statement that picks, locks, claims and records one task."""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.audit.models import AuditEvent
from app.db.session import session_scope
from app.principal import Principal
from app.settings import Settings
from app.tasks import service
from app.tasks.models import ReadingTask, TaskEvent
from app.tasks.next_case import claim_next
from app.tasks.repository import record_skip
from app.vocabulary import Role, TaskState
from tests.support.factories import make_radiologist, make_task

NOW = datetime.now(UTC)


@pytest.fixture
def reader(session: Session) -> Principal:
    radiologist = make_radiologist(session, subspecialties=("NEURO", "MSK"))
    session.commit()
    return Principal(
        name="reader", role=Role.RADIOLOGIST, token_id=7, radiologist_id=radiologist.id,
        source_address="10.0.0.7",
    )  # fmt: skip


@pytest.fixture
def other_session(database_url: str) -> Iterator[Session]:
    with session_scope(database_url) as other:
        yield other


def _claim(session: Session, reader: Principal, settings: Settings) -> int | None:
    row = claim_next(session, reader, settings)
    session.commit()
    return None if row is None else int(row.id)


def _rows(session: Session, model: Any, **where: Any) -> list[dict[str, Any]]:
    columns = [c for c in model.__table__.columns if c.name not in ("id", "occurred_at")]
    query = select(*columns).filter_by(**where).order_by(model.id)
    return [row._asdict() for row in session.execute(query)]


def test_assigned_tasks_come_by_priority_then_due_time_before_any_pool_task(
    session: Session, reader: Principal, settings: Settings
) -> None:
    mine: dict[str, Any] = {"state": TaskState.ASSIGNED.value, "assignee_id": reader.radiologist_id}
    routine = make_task(session, **mine, priority="ROUTINE", due_at=NOW - timedelta(hours=9))
    urgent_late = make_task(session, **mine, priority="URGENT", due_at=NOW + timedelta(hours=3))
    urgent_soon = make_task(session, **mine, priority="URGENT", due_at=NOW)
    pool_stat = make_task(session, priority="STAT", due_at=NOW - timedelta(hours=9))
    session.commit()
    order = [_claim(session, reader, settings) for _ in range(5)]
    assert order == [urgent_soon.id, urgent_late.id, routine.id, pool_stat.id, None]


def test_other_readers_tasks_other_pools_and_closed_tasks_are_never_offered(
    session: Session, reader: Principal, settings: Settings
) -> None:
    colleague = make_radiologist(session)
    make_task(session, state=TaskState.ASSIGNED.value, assignee_id=colleague.id, priority="STAT")
    make_task(session, subspecialty="BODY", priority="STAT")
    make_task(session, state=TaskState.FINAL.value, priority="STAT")
    make_task(session, state=TaskState.IN_PROGRESS.value, priority="STAT")
    session.commit()
    assert _claim(session, reader, settings) is None


def test_a_skipped_assigned_task_falls_through_to_the_pools(
    session: Session, reader: Principal, settings: Settings
) -> None:
    assert reader.radiologist_id is not None
    mine = make_task(session, state=TaskState.ASSIGNED.value, assignee_id=reader.radiologist_id)
    pool = make_task(session, subspecialty="MSK")
    record_skip(session, mine.id, reader.radiologist_id)
    session.commit()
    assert _claim(session, reader, settings) == pool.id


def test_the_skip_cooldown_ends(session: Session, reader: Principal, settings: Settings) -> None:
    assert reader.radiologist_id is not None
    task = make_task(session)
    record_skip(session, task.id, reader.radiologist_id)
    session.commit()
    assert _claim(session, reader, settings.model_copy(update={"skip_cooldown": 0})) == task.id


def test_a_task_another_transaction_holds_is_skipped_not_waited_for(
    session: Session, other_session: Session, reader: Principal, settings: Settings
) -> None:
    held = make_task(session, priority="STAT", due_at=NOW)
    free = make_task(session, priority="STAT", due_at=NOW + timedelta(hours=1))
    urgent = make_task(session, priority="URGENT")
    session.commit()
    other_session.scalars(select(ReadingTask).where(ReadingTask.id == held.id).with_for_update())
    assert _claim(session, reader, settings) == free.id
    assert _claim(session, reader, settings) == urgent.id
    assert _claim(session, reader, settings) is None


def test_one_call_claims_one_task_and_leaves_the_others_as_they_were(
    session: Session, reader: Principal, settings: Settings
) -> None:
    started = NOW - timedelta(hours=2)
    first = make_task(session, priority="STAT", started_at=started)
    for _ in range(3):
        make_task(session, priority="STAT", due_at=NOW + timedelta(hours=30))
    session.commit()
    assert _claim(session, reader, settings) == first.id
    claimed = session.get_one(ReadingTask, first.id, populate_existing=True)
    assert (claimed.state, claimed.version) == (TaskState.IN_PROGRESS.value, 2)
    assert (claimed.assignee_id, claimed.claimed_from_state) == (
        reader.radiologist_id,
        "UNASSIGNED",
    )
    assert claimed.started_at == started
    assert claimed.lease_expires_at is not None
    assert claimed.lease_expires_at > NOW + timedelta(seconds=settings.task_lease - 60)
    untouched = select(func.count()).where(ReadingTask.version == 1)
    assert session.scalar(untouched) == 3


def test_history_and_audit_rows_match_those_of_a_claim_by_id(
    session: Session, reader: Principal, settings: Settings
) -> None:
    by_next = make_task(session, priority="STAT")
    by_id = make_task(session)
    session.commit()
    claim_next(session, reader, settings)
    service.claim(session, reader, by_id.id, 1, settings.task_lease)
    session.commit()

    def recorded(task_id: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        history = _rows(session, TaskEvent, task_id=task_id)
        audit = _rows(session, AuditEvent, object_id=str(task_id))
        for row in history:
            row.pop("task_id")
        for row in audit:
            row.pop("object_id")
        return history, audit

    (next_history, next_audit), (id_history, id_audit) = recorded(by_next.id), recorded(by_id.id)
    assert [row["details"].pop("next") for row in (*next_history, *next_audit)] == [True, True]
    assert (next_history, next_audit) == (id_history, id_audit)
    assert id_audit[0]["details"] == {"action": "claim", "from": "UNASSIGNED", "to": "IN_PROGRESS"}
    assert id_audit[0]["source_address"] == "10.0.0.7"
