"""The worker routes a study as it becomes stable, not on the sweep's next interval."""

import threading
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from app.db.session import session_scope
from app.jobs.registry import all_jobs
from app.jobs.runner import run_forever
from app.settings import Settings
from app.studies.models import Study
from tests.support.factories import make_series, make_study

QUIET_LEFT = 2.0  # seconds the study still has to be quiet when the worker starts
SWEEP_INTERVAL = 30.0


def test_study_is_routed_as_it_becomes_stable(settings: Settings, database_url: str) -> None:
    settings = settings.model_copy(
        update={"stable_after": 3.0, "stability_sweep_interval": SWEEP_INTERVAL}
    )
    due = datetime.now(UTC) + timedelta(seconds=QUIET_LEFT)
    with session_scope(database_url) as session:
        study = make_study(
            session, modalities=["CT"], last_received_at=due - timedelta(seconds=3.0)
        )
        make_series(session, study, modality="CT", series_description="AX BRAIN")
        study_id = study.id
    stop = threading.Event()
    sweep = [job for job in all_jobs(settings) if job.name == "stability-sweep"]
    worker = threading.Thread(
        target=run_forever, args=(sweep, database_url, settings, stop.wait), daemon=True
    )
    worker.start()
    try:
        stable_at = _stable_at(database_url, study_id, deadline=time.monotonic() + 5)
    finally:
        stop.set()
        worker.join(10)
    assert stable_at is not None, "not stable within 5 s of its quiet period's end"
    assert stable_at - due < timedelta(seconds=0.5)


def _stable_at(database_url: str, study_id: int, deadline: float) -> datetime | None:
    while time.monotonic() < deadline:
        with session_scope(database_url) as session:
            stable_at = session.scalar(select(Study.stable_at).where(Study.id == study_id))
        if stable_at is not None:
            return stable_at
        time.sleep(0.02)
    return None
