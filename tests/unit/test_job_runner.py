"""The worker's loop: jobs on their intervals, again at once while they find work."""

from collections.abc import Iterator

import pytest

from app.jobs import runner
from app.jobs.runner import Job, run_forever
from app.settings import Settings


def _stop_after(passes: int) -> Iterator[bool]:
    yield from [False] * (passes - 1)
    yield True


def test_a_job_that_found_work_runs_again_without_waiting_its_interval(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    handled = iter([20, 20, 3, 0])
    runs: list[str] = []

    def run_once(job: Job, database_url: str, settings: Settings) -> int | None:
        runs.append(job.name)
        return next(handled, 0)

    monkeypatch.setattr(runner, "run_once", run_once)
    monkeypatch.setattr(runner, "freeze_startup_objects", lambda: None)
    sweep = Job("stability-sweep", interval=3600.0, run=lambda session, settings: 0)
    stops = _stop_after(6)

    run_forever([sweep], "postgresql://unused", Settings(), lambda seconds: next(stops))

    assert runs == ["stability-sweep"] * 4
