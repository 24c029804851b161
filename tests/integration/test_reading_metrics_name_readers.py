"""The reading metrics name each reader: their name beside their id."""

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.vocabulary import TaskKind, TaskState
from tests.support.factories import make_radiologist, make_study, make_task

Headers = dict[str, str]


def test_turnaround_by_reader_gives_each_readers_name_and_id(
    client: TestClient, session: Session, admin_headers: Headers
) -> None:
    now = datetime.now(UTC)
    reader = make_radiologist(session, name="Dr Grace Hopper")
    study = make_study(session, stable_at=now - timedelta(hours=1))
    make_task(session, study, state=TaskState.FINAL.value, assignee_id=reader.id, finalized_at=now)
    session.commit()

    report = client.get("/api/v1/metrics/turnaround", headers=admin_headers).json()

    [row] = report["by_reader"]
    assert row["reader"] == {"id": reader.id, "name": "Dr Grace Hopper"}
    assert (row["group"], row["finalized"]) == (str(reader.id), 1)


def test_concordance_by_reader_gives_each_primary_readers_name_and_id(
    client: TestClient, session: Session, admin_headers: Headers
) -> None:
    now = datetime.now(UTC)
    reader = make_radiologist(session, name="Dr Ada Lovelace")
    over_reader = make_radiologist(session, name="Dr Alan Turing")
    primary = make_task(session, state=TaskState.FINAL.value, assignee_id=reader.id)
    make_task(
        session,
        kind=TaskKind.SECOND_OPINION.value,
        primary_task_id=primary.id,
        state=TaskState.FINAL.value,
        assignee_id=over_reader.id,
        radpeer="2b",
        finalized_at=now,
    )
    session.commit()

    report = client.get("/api/v1/metrics/concordance", headers=admin_headers).json()

    [row] = report["by_reader"]
    assert row["reader"] == {"id": reader.id, "name": "Dr Ada Lovelace"}
    assert (row["total"], row["needs_review"]) == (1, 1)
