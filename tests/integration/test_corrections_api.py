"""Corrections of a series' or a study's classification: kept, audited, shown, used to route."""

import json
import os
import subprocess
import sys
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit.models import AuditEvent
from app.settings import Settings
from app.studies.models import Series, Study
from app.tasks.models import ReadingTask
from app.workflow import on_stable
from tests.integration.routing.studies import make_stable_brain_study

Headers = dict[str, str]


def routed_study(session: Session, settings: Settings, question: str) -> Study:
    study_id = make_stable_brain_study(session, question=question)
    on_stable.on_study_stable(session, study_id, settings)  # no reader on duty: the task waits
    session.commit()
    return session.get_one(Study, study_id)


def test_a_study_correction_is_kept_beside_the_machine_answer_and_routes_again(
    client: TestClient, session: Session, settings: Settings, admin_headers: Headers
) -> None:
    study = routed_study(session, settings, "chronic headaches")
    machine = study.urgency

    response = client.patch(
        f"/api/v1/studies/{study.study_instance_uid}/classification",
        json={"urgency": "STAT", "reason": "the referrer phoned: sudden worst headache"},
        headers=admin_headers,
    )

    assert response.status_code == 200, response.text
    shown = response.json()
    assert (shown["urgency"], shown["correction"]["urgency"]) == (machine, "STAT")
    assert shown["correction"]["reason"] == "the referrer phoned: sudden worst headache"
    session.expire_all()
    task = session.scalars(select(ReadingTask).where(ReadingTask.study_id == study.id)).one()
    assert task.priority == "STAT"
    detail = client.get(f"/api/v1/tasks/{task.id}", headers=admin_headers).json()
    assert detail["study"]["correction"]["urgency"] == "STAT"
    audited = select(AuditEvent).where(AuditEvent.object_id == study.study_instance_uid)
    assert any("corrected" in (event.details or {}) for event in session.scalars(audited))


def test_a_series_correction_changes_the_sequences_routing_reads(
    client: TestClient, session: Session, settings: Settings, admin_headers: Headers
) -> None:
    study = routed_study(session, settings, "new onset seizure")
    series = session.scalars(select(Series).where(Series.study_id == study.id)).one()

    response = client.patch(
        f"/api/v1/series/{series.series_instance_uid}/classification",
        json={"sequence": "FLAIR", "plane": "AX", "reason": "a T2-FLAIR named T2 by the scanner"},
        headers=admin_headers,
    )

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["correction"]["sequence"] == "FLAIR"
    assert body["sequence"] == series.sequence  # the machine's answer stays beside it


def test_a_correction_without_a_reason_names_the_field(
    client: TestClient, session: Session, settings: Settings, admin_headers: Headers
) -> None:
    study = routed_study(session, settings, "chronic headaches")

    response = client.patch(
        f"/api/v1/studies/{study.study_instance_uid}/classification",
        json={"urgency": "STAT"},
        headers=admin_headers,
    )

    assert response.status_code == 422
    assert "reason" in response.text


def test_a_correction_of_an_unknown_series_is_404(
    client: TestClient, admin_headers: Headers
) -> None:
    response = client.patch(
        "/api/v1/series/1.2.3/classification",
        json={"plane": "AX", "reason": "looked"},
        headers=admin_headers,
    )

    assert response.status_code == 404


def test_export_labels_writes_corrections_that_the_benchmark_scores(
    client: TestClient,
    session: Session,
    settings: Settings,
    admin_headers: Headers,
    database_url: str,
    tmp_path: Path,
) -> None:
    study = routed_study(session, settings, "chronic headaches")
    series = session.scalars(select(Series).where(Series.study_id == study.id)).one()
    for path, body in (
        (f"/api/v1/series/{series.series_instance_uid}/classification", {"plane": "COR"}),
        (f"/api/v1/studies/{study.study_instance_uid}/classification", {"urgency": "URGENT"}),
    ):
        answer = client.patch(path, json={**body, "reason": "checked"}, headers=admin_headers)
        assert answer.status_code == 200, answer.text
    env = {**os.environ, "DATABASE_URL": database_url, "WORKLIST_HOME": str(tmp_path)}
    exported = subprocess.run(
        [sys.executable, "-m", "app", "export-labels", "--since", "2020-01-01"],
        env=env, capture_output=True, text=True, timeout=60, check=True,
    ).stdout  # fmt: skip
    later = subprocess.run(
        [sys.executable, "-m", "app", "export-labels", "--since", "2999-01-01"],
        env=env, capture_output=True, text=True, timeout=60, check=True,
    ).stdout  # fmt: skip

    lines = [json.loads(line) for line in exported.splitlines()]
    assert [line["expected"].get("plane") for line in lines] == ["COR", None]
    assert lines[1]["expected"]["urgency"] == "URGENT"
    assert "patient" not in json.dumps(lines).lower()
    assert later == ""
    labelled = tmp_path / "labels.jsonl"
    labelled.write_text(exported)
    scored = subprocess.run(
        [sys.executable, "-m", "bench.classify", str(labelled)],
        env=env, capture_output=True, text=True, timeout=300, check=True,
    ).stdout  # fmt: skip
    assert f"=== series, {labelled} (1 series) ===" in scored
    assert f"=== questions, {labelled} (1 referrals" in scored


def test_each_answer_carries_its_confidence_and_a_correction_makes_it_sure(
    client: TestClient, session: Session, settings: Settings, admin_headers: Headers
) -> None:
    study = routed_study(session, settings, "see the letter")  # no category to recognise
    series = session.scalars(select(Series).where(Series.study_id == study.id)).one()
    task = session.scalars(select(ReadingTask).where(ReadingTask.study_id == study.id)).one()

    shown = client.get(f"/api/v1/tasks/{task.id}", headers=admin_headers).json()["study"]
    corrected = client.patch(
        f"/api/v1/series/{series.series_instance_uid}/classification",
        json={"sequence": "T2", "reason": "read the images: T2"},
        headers=admin_headers,
    ).json()

    assert shown["confidence"] == {"region": "high", "categories": "low", "urgency": "low"}
    # The series has no header: its description alone decided sequence and plane.
    assert shown["series"][0]["confidence"]["sequence"] == "low"
    assert shown["series"][0]["confidence"]["plane"] == "low"
    assert corrected["confidence"]["sequence"] == "high"
    assert corrected["confidence"]["plane"] == "low"
