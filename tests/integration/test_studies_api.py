"""Study lookups and order details an integration engine sets after the fact."""

from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit.models import AuditEvent
from app.settings import Settings
from app.studies.models import Study
from app.tasks.models import ReadingTask
from app.vocabulary import Role
from app.workflow import on_stable
from tests.integration.routing.studies import make_stable_brain_study
from tests.support.factories import make_series, make_study, make_task
from tests.support.readers import bearer, make_reader

Headers = dict[str, str]


def test_study_lookup_by_uid_and_by_accession(
    client: TestClient, session: Session, admin_headers: Headers
) -> None:
    study = make_study(session, accession_number="A-1")
    make_series(session, study, sequence="T1", plane="SAG")
    make_study(session)
    session.commit()
    found = client.get("/api/v1/studies?accession_number=A-1", headers=admin_headers).json()
    assert [s["study_instance_uid"] for s in found["items"]] == [study.study_instance_uid]
    detail = client.get(f"/api/v1/studies/{study.study_instance_uid}", headers=admin_headers)
    assert detail.json()["series"][0]["sequence"] == "T1"
    assert client.get("/api/v1/studies/1.2.3", headers=admin_headers).status_code == 404
    reads = select(AuditEvent.action).where(AuditEvent.object_type != "api_token")
    assert session.scalars(reads.order_by(AuditEvent.id)).all() == ["Query", "PatientRecord"]


def test_studies_page_newest_first(
    client: TestClient, session: Session, admin_headers: Headers
) -> None:
    studies = [make_study(session) for _ in range(3)]
    session.commit()
    first = client.get("/api/v1/studies?limit=2", headers=admin_headers).json()
    rest = client.get(
        f"/api/v1/studies?limit=2&cursor={first['next_cursor']}", headers=admin_headers
    ).json()
    uids = [s["study_instance_uid"] for s in first["items"] + rest["items"]]
    assert uids == [s.study_instance_uid for s in reversed(studies)]
    assert rest["next_cursor"] is None


def test_patch_of_a_waiting_stable_study_routes_it_again(
    client: TestClient,
    session: Session,
    make_token: Callable[..., str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    routed: list[int] = []

    def record_routing(_: Session, study_ids: Sequence[int], __: Settings) -> None:
        routed.extend(study_ids)

    monkeypatch.setattr(on_stable, "STEPS", (record_routing,))
    study = make_study(session, stable_at=datetime.now(UTC))
    make_task(session, study)
    session.commit()
    response = client.patch(
        f"/api/v1/studies/{study.study_instance_uid}",
        json={"clinical_question": "r/o stroke", "priority": "STAT"},
        headers=bearer(make_token(Role.INTEGRATION)),
    )
    assert response.status_code == 200, response.text
    assert (response.json()["clinical_question"], response.json()["requested_priority"]) == (
        "r/o stroke", "STAT",
    )  # fmt: skip
    assert routed == [study.id]


def test_patch_of_a_waiting_study_reroutes_it_with_the_real_rules(
    client: TestClient, session: Session, settings: Settings, admin_headers: Headers
) -> None:
    study_id = make_stable_brain_study(session)
    on_stable.on_study_stable(session, study_id, settings)  # no NEURO reader: the task waits
    session.commit()
    study = session.get_one(Study, study_id)
    response = client.patch(
        f"/api/v1/studies/{study.study_instance_uid}",
        json={"priority": "STAT", "clinical_question": "sudden weakness, r/o stroke"},
        headers=admin_headers,
    )
    assert response.status_code == 200, response.text
    session.expire_all()
    [task] = session.scalars(select(ReadingTask).where(ReadingTask.study_id == study_id))
    assert (task.state, task.priority) == ("UNASSIGNED", "STAT")


def test_patch_of_a_study_being_read_reprioritizes_its_task(
    client: TestClient, session: Session, make_token: Callable[..., str], admin_headers: Headers
) -> None:
    reader_id, _ = make_reader(session, make_token)
    stable_at = datetime.now(UTC) - timedelta(minutes=10)
    study = make_study(session, stable_at=stable_at)
    task = make_task(session, study, state="IN_PROGRESS", assignee_id=reader_id)
    session.commit()
    client.patch(
        f"/api/v1/studies/{study.study_instance_uid}",
        json={"priority": "STAT", "accession_number": "NEW-1"},
        headers=admin_headers,
    )
    session.expire_all()
    changed = session.get_one(ReadingTask, task.id)
    assert (changed.priority, changed.version, changed.state) == ("STAT", 2, "IN_PROGRESS")
    assert changed.due_at == stable_at + timedelta(hours=1)
    [item] = client.get("/api/v1/tasks", headers=admin_headers).json()["items"]
    assert item["accession_number"] == "NEW-1"


def test_radiologist_may_not_patch_studies(
    client: TestClient, session: Session, make_token: Callable[..., str]
) -> None:
    _, headers = make_reader(session, make_token)
    study = make_study(session)
    session.commit()
    response = client.patch(
        f"/api/v1/studies/{study.study_instance_uid}", json={"priority": "STAT"}, headers=headers
    )
    assert response.status_code == 403


def test_turnaround_gives_median_and_p90_by_priority(
    client: TestClient, session: Session, admin_headers: Headers
) -> None:
    stable = datetime.now(UTC) - timedelta(hours=5)
    for minutes in (30, 60, 90, 120, 600):
        study = make_study(session, stable_at=stable)
        make_task(
            session, study, state="FINAL", priority="URGENT",
            finalized_at=stable + timedelta(minutes=minutes), due_at=stable + timedelta(hours=4),
        )  # fmt: skip
    make_task(session, due_at=datetime.now(UTC) - timedelta(minutes=1))
    session.commit()
    report = client.get("/api/v1/metrics/turnaround", headers=admin_headers).json()
    [urgent] = report["by_priority"]
    assert (urgent["group"], urgent["finalized"], urgent["median_minutes"]) == ("URGENT", 5, 90.0)
    assert urgent["p90_minutes"] == 408.0
    assert urgent["finalized_late"] == 1
    assert report["overdue_open_by_priority"] == {"ROUTINE": 1}
