"""Route and assign N stable studies end to end; time a dry run over them.

    .venv/bin/python -m bench.routing [--studies 10000] [--batch N] [--database-url URL]

Without a URL an embedded Postgres is started in a temporary folder. The headline is the real
stability sweep, `--batch` studies per transaction (default: WORKLIST_STABILITY_BATCH):
classification, routing, task creation and assignment of the batch commit together, so a
study's time from stability to assignment is its batch's. The second line makes each study
stable in a transaction of its own. The baseline, measured in the same run, is the floor under
both: a bare INSERT of one task row per transaction. Every 100 studies the readers' assigned
tasks are made FINAL outside the timing, so open lists stay realistic.
"""

import argparse
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, text
from sqlalchemy.orm import Session

from app.classification.series_header import SeriesHeader
from app.db.embedded import start_embedded_postgres, stop_embedded_postgres
from app.db.migrations import upgrade_to_head
from app.db.session import get_engine, new_session, session_scope
from app.people.models import Radiologist, RadiologistSubspecialty
from app.routing.dry_run import dry_run
from app.rules.dsl import load_default_rules
from app.rules.schemas import DryRunRequest
from app.settings import Settings
from app.startup import freeze_startup_objects
from app.studies.models import Series, Study
from app.tasks.models import ReadingTask
from app.vocabulary import SEEDED_SUBSPECIALTIES
from app.workflow.on_stable import mark_settled_studies_stable, on_study_stable

READERS_PER_POOL = 4
# Every this many studies the readers' open tasks are read (made FINAL) outside the timing, as
# radiologists would: without it each of 24 readers would hold hundreds of open tasks.
READ_EVERY = 100
# (modality, body part, study description, question, series descriptions)
STUDY_KINDS: list[tuple[str, str, str, str, tuple[str, ...]]] = [
    ("MR", "BRAIN", "MRI BRAIN WO/W CONTRAST", "new seizure", ("AX FLAIR", "AX DWI", "AX T1 POST")),
    ("MR", "LSPINE", "MRI LUMBAR SPINE", "low back pain, facet arthropathy", ("SAG T2", "AX T2")),
    ("MR", "KNEE", "MRI KNEE LEFT", "acl tear after sports injury", ("COR PD FS", "SAG PD")),
    ("CT", "CHEST", "CT CHEST W CONTRAST", "r/o pulmonary embolism", ("CTA CHEST", "AX LUNG")),
    ("CT", "ABDOMEN", "CT ABD PELVIS W", "rlq pain, appendicitis?", ("AX PORTAL VENOUS",)),
    ("MG", "BREAST", "SCREENING MAMMOGRAM", "screening", ("L CC", "R CC")),
    ("CR", "CHEST", "XR CHEST 1V", "line placement", ("AP",)),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--studies", type=int, default=10_000)
    parser.add_argument("--batch", type=int, help="studies per sweep transaction")
    parser.add_argument("--database-url")
    arguments = parser.parse_args()
    with _database(arguments.database_url) as url:
        run(url, arguments.studies, arguments.batch)


@dataclass(frozen=True, slots=True)
class Routed:
    """The sweep's figures: studies per second and stability -> assignment latencies (ms)."""

    studies_per_second: float
    latencies: list[float]

    @property
    def p99(self) -> float:
        return _percentile(self.latencies, 99)


def run(url: str, count: int, batch: int | None) -> Routed:
    settings = Settings(DATABASE_URL=url, WORKLIST_STABLE_AFTER=1)
    if batch is not None:
        settings = settings.model_copy(update={"stability_batch": batch})
    with session_scope(url) as session:
        _add_readers(session, count)
        study_ids = _add_studies(session, count)
    baseline = count / _baseline_inserts(url, study_ids)
    freeze_startup_objects()  # as the worker does before its first job
    sweep = _sweep_all(url, settings)
    how = f"the stability sweep, {settings.stability_batch} studies per transaction"
    _report(how, count, *sweep)
    with session_scope(url) as session:
        study_ids = _add_studies(session, count, offset=count)
    _report("one transaction per study", count, *_route_all(url, settings, study_ids))
    assigned = _count(url, "SELECT count(*) FROM reading_tasks WHERE assignee_id IS NOT NULL")
    print(f"tasks assigned: {assigned} of {2 * count} studies")
    print(
        f"baseline, bare task INSERT per transaction: {baseline:,.0f} rows/s; "
        f"the sweep routes and assigns at {count / sweep[0] / baseline:.2f}x that rate"
    )
    dry_runs = _time_dry_runs(url, count)
    print(
        f"dry run over the last {count} stable studies: median {statistics.median(dry_runs):.2f} s"
    )
    return Routed(count / sweep[0], sweep[1])


@contextmanager
def _database(url: str | None) -> Iterator[str]:
    if url:
        upgrade_to_head(url)
        yield url
        return
    with tempfile.TemporaryDirectory(prefix="bench-routing-") as folder:
        pgdata = Path(folder) / "pgdata"
        url = start_embedded_postgres(pgdata, "bench_routing")
        try:
            upgrade_to_head(url)
            yield url
        finally:
            get_engine(url).dispose()
            stop_embedded_postgres(pgdata)


def _add_readers(session: Session, count: int) -> None:
    """Readers in every pool, with caps that let every study between two reads be assigned."""
    cap = READ_EVERY
    for code in SEEDED_SUBSPECIALTIES:
        for number in range(READERS_PER_POOL):
            reader = Radiologist(name=f"Dr {code} {number}", on_duty=True, max_open_tasks=cap)
            session.add(reader)
            session.flush()
            session.add(RadiologistSubspecialty(radiologist_id=reader.id, subspecialty_code=code))


def _report(how: str, count: int, elapsed: float, latencies: list[float]) -> None:
    print(
        f"{how}: {count / elapsed:,.0f} studies/s ({elapsed:.1f} s); stability -> assignment "
        f"p50 {_percentile(latencies, 50):.1f} ms, p99 {_percentile(latencies, 99):.1f} ms"
    )


def _add_studies(session: Session, count: int, offset: int = 0) -> list[int]:
    now = datetime.now(UTC)
    studies = [_study_row(number, now) for number in range(offset, offset + count)]
    ids = list(session.scalars(insert(Study).returning(Study.id), studies))
    series = [
        _series_row(study_id, number, description)
        for number, study_id in enumerate(ids, start=offset)
        for description in STUDY_KINDS[number % len(STUDY_KINDS)][4]
    ]
    session.execute(insert(Series), series)
    return ids


def _study_row(number: int, now: datetime) -> dict[str, Any]:
    modality, body_part, description, question, _ = STUDY_KINDS[number % len(STUDY_KINDS)]
    return {
        "study_instance_uid": f"1.2.826.0.1.3680043.10.9.{number}",
        "patient_id": f"BENCH{number % 4000:05d}",
        "study_description": description,
        "modalities": [modality],
        "body_part_examined": body_part,
        "institution_name": "General Hospital",
        "clinical_question": question,
        "first_received_at": now - timedelta(minutes=2),
        "last_received_at": now - timedelta(minutes=1),
    }


def _series_row(study_id: int, number: int, description: str) -> dict[str, Any]:
    modality, body_part, study_description, _, _ = STUDY_KINDS[number % len(STUDY_KINDS)]
    header = SeriesHeader(
        modality=modality,
        series_description=description,
        study_description=study_description,
        body_part_examined=body_part,
    )
    uid = f"1.2.826.0.1.3680043.10.8.{number}.{abs(hash(description)) % 10_000}"
    return {
        "study_id": study_id,
        "series_instance_uid": uid,
        "modality": modality,
        "series_description": description,
        "header": header.to_json() | {"series_instance_uid": uid},
        "instance_count": 30,
    }


def _route_all(url: str, settings: Settings, study_ids: list[int]) -> tuple[float, list[float]]:
    """Mark each study stable and run the hook in one transaction, as the sweep does."""
    latencies: list[float] = []
    reading = 0.0
    started = time.perf_counter()
    for number, study_id in enumerate(study_ids, start=1):
        if number % READ_EVERY == 0:
            reading += _read_assigned(url)
        began = time.perf_counter()
        session = new_session(url)
        try:
            session.execute(
                text("UPDATE studies SET stable_at = now() WHERE id = :id"), {"id": study_id}
            )
            on_study_stable(session, study_id, settings)
            session.commit()
        finally:
            session.close()
        latencies.append((time.perf_counter() - began) * 1000)
    return time.perf_counter() - started - reading, latencies


def _sweep_all(url: str, settings: Settings) -> tuple[float, list[float]]:
    """Run the real stability sweep until every study is stable.

    A study's assignment is visible when its batch commits: its latency is the batch's duration.
    """
    latencies: list[float] = []
    reading = 0.0
    since_read = 0
    started = time.perf_counter()
    while True:
        if since_read >= READ_EVERY:
            reading += _read_assigned(url)
            since_read = 0
        began = time.perf_counter()
        with session_scope(url) as session:
            marked = mark_settled_studies_stable(session, settings)
        if not marked:
            return time.perf_counter() - started - reading, latencies
        latencies.extend([(time.perf_counter() - began) * 1000] * marked)
        since_read += marked


def _read_assigned(url: str) -> float:
    """Readers finish what they were given, untimed: open lists stay as short as caps keep them."""
    started = time.perf_counter()
    with get_engine(url).begin() as connection:
        connection.execute(
            text("UPDATE reading_tasks SET state = 'FINAL' WHERE state = 'ASSIGNED'")
        )
    return time.perf_counter() - started


def _baseline_inserts(url: str, study_ids: list[int]) -> float:
    """One bare task INSERT per transaction, then removed again (only those: the database may
    hold a history, as in bench.scale)."""
    due = datetime.now(UTC) + timedelta(hours=24)
    row = {"state": "UNASSIGNED", "subspecialty": "GENERAL", "priority": "ROUTINE", "due_at": due}
    started = time.perf_counter()
    for study_id in study_ids:
        with get_engine(url).begin() as connection:
            connection.execute(insert(ReadingTask), row | {"study_id": study_id})
    elapsed = time.perf_counter() - started
    with get_engine(url).begin() as connection:
        connection.execute(
            text("DELETE FROM reading_tasks WHERE study_id = ANY(:ids)"), {"ids": study_ids}
        )
    return elapsed


def _time_dry_runs(url: str, count: int, repeats: int = 3) -> list[float]:
    rules = load_default_rules().to_json()["rules"]
    brain_to_body = {
        "id": "bench-brain",
        "when": {"region": ["BRAIN"]},
        "then": {"subspecialty": "BODY"},
    }
    request = DryRunRequest.model_validate({"rules": [brain_to_body, *rules], "last": count})
    timings = []
    for _ in range(repeats):
        with session_scope(url) as session:
            started = time.perf_counter()
            result = dry_run(session, request, UTC)
            timings.append(time.perf_counter() - started)
    print(f"dry run: {result.studies} studies, {result.changed} would change")
    return timings


def _count(url: str, query: str) -> int:
    with get_engine(url).connect() as connection:
        return int(connection.scalar(text(query)) or 0)


def _percentile(values: list[float], percent: int) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(percent / 100 * (len(ordered) - 1)))]


if __name__ == "__main__":
    main()
