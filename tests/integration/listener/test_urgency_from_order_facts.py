"""The patient's location in the order decides the urgency when the question alone is routine."""

import time

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.jobs.registry import all_jobs
from app.jobs.runner import run_once
from app.settings import Settings
from app.studies.models import Study
from app.tasks.models import ReadingTask
from dicom_listener.samples import KNEE_MR, study_datasets
from tests.integration.listener.conftest import SendDatasets


def test_a_patient_in_the_emergency_department_makes_a_routine_question_urgent(
    send: SendDatasets, listener: Settings, database_url: str, session: Session
) -> None:
    datasets = list(study_datasets(KNEE_MR, CurrentPatientLocation="Emergency Department"))
    assert set(send(datasets)) == {"0x0000"}
    time.sleep(listener.stable_after + 0.1)
    for job in all_jobs(listener):
        run_once(job, database_url, listener)

    study = session.scalars(select(Study)).one()
    assert study.patient_location == "Emergency Department"
    assert study.urgency == "URGENT"
    assert any("emergency department" in reason for reason in study.classification_reasons)
    assert session.scalars(select(ReadingTask.priority)).one() == "URGENT"
