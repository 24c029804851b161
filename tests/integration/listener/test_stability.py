from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.db.session import session_scope
from app.jobs.registry import all_jobs
from app.jobs.runner import run_once
from app.settings import Settings
from app.studies.models import Study
from app.studies.repository import claim_settled_studies
from app.workflow import on_stable
from dicom_listener.samples import KNEE_MR, study_datasets
from tests.integration.listener.conftest import SendDatasets, settle


@pytest.fixture
def stable_calls(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    monkeypatch.setattr(
        on_stable, "STEPS", (lambda session, study_ids, settings: calls.extend(study_ids),)
    )
    return calls


def _sweep(listener: Settings, database_url: str) -> int | None:
    (job,) = [job for job in all_jobs(listener) if job.name == "stability-sweep"]
    return run_once(job, database_url, listener)


def _study(database_url: str) -> Study:
    with session_scope(database_url) as session:
        return session.scalars(select(Study)).one()


def test_quiet_study_becomes_stable_once_and_sets_off_the_hook(
    send: SendDatasets, listener: Settings, database_url: str, stable_calls: list[int]
) -> None:
    datasets = list(study_datasets(KNEE_MR))
    send(datasets[:3])
    assert _sweep(listener, database_url) == 0

    assert settle(listener, database_url) == 1
    assert _sweep(listener, database_url) == 0
    study = _study(database_url)
    assert stable_calls == [study.id]
    assert study.stable_at is not None
    assert study.changed_after_stable_at is None


def test_instance_after_stability_updates_the_study_and_says_so(
    send: SendDatasets, listener: Settings, database_url: str, stable_calls: list[int]
) -> None:
    datasets = list(study_datasets(KNEE_MR))
    send(datasets[:3])
    settle(listener, database_url)

    send(datasets[3:4])

    study = _study(database_url)
    assert study.instance_count == 4
    assert study.changed_after_stable_at is not None


def test_two_sweepers_never_claim_the_same_study(
    send: SendDatasets, listener: Settings, database_url: str
) -> None:
    send(list(study_datasets(KNEE_MR))[:1])
    settled_before = datetime.now(UTC) + timedelta(seconds=1)

    with session_scope(database_url) as first, session_scope(database_url) as second:
        claimed_first = claim_settled_studies(first, settled_before, 10)
        claimed_second = claim_settled_studies(second, settled_before, 10)

    assert (len(claimed_first), claimed_second) == (1, [])
