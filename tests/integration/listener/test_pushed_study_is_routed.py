"""A study pushed over DICOM ends, once stable, classified and on the right reader's list."""

import time
from collections import Counter

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.jobs.registry import all_jobs
from app.jobs.runner import run_once
from app.settings import Settings
from app.studies.models import Series, Study
from app.tasks.models import ReadingTask
from app.vocabulary import TaskState
from dicom_listener.samples import CERVICAL_SPINE_MR, study_datasets
from tests.integration.listener.conftest import SendDatasets
from tests.support.factories import make_radiologist


def _run_jobs(listener: Settings, database_url: str) -> dict[str, int | None]:
    return {job.name: run_once(job, database_url, listener) for job in all_jobs(listener)}


def test_cervical_spine_mr_with_a_radiculopathy_question_lands_on_a_neuroradiologist(
    send: SendDatasets,
    listener: Settings,
    database_url: str,
    session: Session,
    client: TestClient,
    admin_headers: dict[str, str],
) -> None:
    msk_reader = make_radiologist(session, subspecialties=("MSK",))
    neuro_reader = make_radiologist(session, subspecialties=("NEURO",))
    session.commit()

    statuses = send(list(study_datasets(CERVICAL_SPINE_MR)))
    assert set(statuses) == {"0x0000"}
    time.sleep(listener.stable_after + 0.1)
    _run_jobs(listener, database_url)

    study = session.scalars(select(Study)).one()
    assert study.stable_at is not None
    assert (study.region, "RADICULOPATHY" in study.question_categories) == ("CSPINE", True)
    sequences = Counter(s.sequence for s in session.scalars(select(Series)))
    assert {"T1", "T2", "STIR"} <= set(sequences)
    task = session.scalars(select(ReadingTask)).one()
    assert (task.subspecialty, task.state) == ("NEURO", TaskState.ASSIGNED.value)
    assert task.assignee_id == neuro_reader.id != msk_reader.id
    assert task.rule_version is not None
    assert task.route_reasons

    shown = client.get(f"/api/v1/studies/{study.study_instance_uid}", headers=admin_headers).json()
    assert shown["region"] == "CSPINE"
    stir = next(series for series in shown["series"] if series["sequence"] == "STIR")
    assert (stir["plane"], stir["fat_sat"]) == ("SAG", True)
    assert stir["classification_reasons"]
