"""A year's volume: the API, routing and ingest benches on a filled database beside an empty one.

    .venv/bin/python -m bench.scale [--tasks 1000000] [--instances 10000000] [--keep DIR]

Fills a database with a year of history in bulk SQL (`bench.scale_fill`: by default 1,000,000
reading tasks and 10,000,000 instance rows), creates an empty one on the same embedded Postgres,
then runs each bench on both in turn: the API bench (worklist poll p95, `next` p99), the routing
bench (stability sweep studies/s, stability -> assignment p99) and C-STORE from DCMTK storescu
to our listener (instances/s). Each bench adds the same working set to both databases, so only
the history differs. Target: every filled figure within 1.5x of its empty one.

The pollers ask for their open work, as the reading room's "mine" tab does; `--poll
/api/v1/tasks?assignee=me` measures bench.api's poll of every task a reader ever held instead.

Filling takes minutes: `--keep DIR` keeps the cluster and the filled database in DIR as a
template, and each later run with the same sizes starts from a copy of it.
"""

import argparse
import asyncio
import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import sql
from sqlalchemy import make_url

from app.db.embedded import start_embedded_postgres, stop_embedded_postgres
from app.db.migrations import upgrade_to_head
from app.db.session import get_engine
from app.tasks.repository import OPEN_STATE_NAMES
from bench import api, routing
from bench.api_seed import seed
from bench.cpu import tree_cpu_seconds
from bench.ingest import _one_run
from bench.ingest_data import dataset_files
from bench.scale_explain import explain_hot_queries, print_growth
from bench.scale_fill import fill, history_readers
from bench.scale_listener import ListenerOnHistory
from tests.support.api_server import running_api
from tests.support.database import fresh_database
from tests.support.network import free_port

TARGET = 1.5
POLLERS, READERS = 200, 20  # as bench.api: the history's readers (scale_fill.HISTORY_READERS)
# A reader's open work, as the reading room's own "mine" tab asks: not every task they ever read.
OPEN_WORKLIST = api.WORKLIST + "".join(f"&state={name}" for name in OPEN_STATE_NAMES)
INGEST_DATASET = "mr-2000-256"
INGEST_SENDERS = 4


@dataclass(frozen=True, slots=True)
class Figure:
    name: str
    unit: str
    higher_is_better: bool
    judged: bool = True  # against the target; else shown for context (CPU cost, the baseline)


WORKLIST_P95 = Figure("worklist poll p95", "ms", higher_is_better=False)
NEXT_P99 = Figure("next p99", "ms", higher_is_better=False)
HEALTHZ_P95 = Figure("  /healthz p95 (in-run baseline)", "ms", False, judged=False)
API_CPU = Figure("  API CPU per request", "ms", False, judged=False)
API_DB_CPU = Figure("  Postgres CPU per API request", "ms", False, judged=False)
ROUTING_RATE = Figure("routing (stability sweep)", "studies/s", higher_is_better=True)
ASSIGNMENT_P99 = Figure("stability -> assignment p99", "ms", higher_is_better=False)
ROUTING_CPU = Figure("  CPU per routed study, with Postgres", "ms", False, judged=False)
INGEST_RATE = Figure(f"C-STORE, {INGEST_SENDERS} senders", "instances/s", higher_is_better=True)
INGEST_CPU = Figure("  CPU per instance, with Postgres", "ms", False, judged=False)

Figures = dict[Figure, float]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--tasks", type=int, default=1_000_000, help="tasks of history")
    parser.add_argument("--instances", type=int, default=10_000_000, help="instance rows")
    parser.add_argument("--keep", type=Path, help="keep the cluster and filled database here")
    parser.add_argument("--duration", type=float, default=30.0, help="API bench seconds")
    parser.add_argument("--warmup", type=float, default=10.0, help="API bench warm-up seconds")
    parser.add_argument("--working-tasks", type=int, default=10_000, help="API bench's tasks")
    parser.add_argument("--studies", type=int, default=2_000, help="routing bench's studies")
    parser.add_argument("--poll", default=OPEN_WORKLIST,
                        help=f"what the pollers ask for (bench.api's: {api.WORKLIST})")  # fmt: skip
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 1,
                        help="API and listener processes (one per core by default)")  # fmt: skip
    args = parser.parse_args()
    with _cluster(args.keep) as (server, pgdata):
        empty = fresh_database(server, "scale_empty")
        upgrade_to_head(empty)
        filled = _filled_database(server, args.tasks, args.instances, keep=args.keep is not None)
        results = _run_benches({"empty": empty, "filled": filled}, pgdata, args)
        _compare(results)
        print_growth(filled)
        explain_hot_queries(filled)
        for url in (empty, filled):
            get_engine(url).dispose()


def _run_benches(
    databases: dict[str, str], pgdata: Path, args: argparse.Namespace
) -> dict[str, Figures]:
    """Each bench on every database in turn, so load from elsewhere falls on both alike."""
    results: dict[str, Figures] = {name: {} for name in databases}
    for name, url in databases.items():
        print(f"\n== API bench, {name} database ==", flush=True)
        history = history_readers(url) if name == "filled" else None
        results[name] |= _api_bench(url, pgdata, args, history)
    for name, url in databases.items():
        print(f"\n== routing bench, {name} database ==", flush=True)
        cpu_before = time.process_time() + _database_cpu(pgdata)
        routed = routing.run(url, args.studies, None)
        cpu = time.process_time() + _database_cpu(pgdata) - cpu_before
        results[name] |= {
            ROUTING_RATE: routed.studies_per_second,
            ASSIGNMENT_P99: routed.p99,
            ROUTING_CPU: 1000 * cpu / (2 * args.studies),  # the sweep's and one at a time
        }
    files = dataset_files(INGEST_DATASET)
    megabytes = sum(path.stat().st_size for path in files) / 1e6
    for name, url in databases.items():
        print(f"\n== ingest bench, {name} database ==", flush=True)
        listener = ListenerOnHistory(url, args.processes, pgdata)
        run = _one_run(listener, files, INGEST_SENDERS, megabytes, free_port())
        print(f"{len(files)} instances ({megabytes:.0f} MB), {INGEST_SENDERS} senders: "
              + (f"{run.per_second:.0f} instances/s, {run.cpu_ms_per_instance:.1f} CPU ms per "
                 "instance (listener and Postgres)" if run else "failed"))  # fmt: skip
        if run:
            results[name] |= {INGEST_RATE: run.per_second, INGEST_CPU: run.cpu_ms_per_instance}
    return results


def _api_bench(
    url: str, pgdata: Path, args: argparse.Namespace, history: list[int] | None
) -> Figures:
    """The working set goes to the readers of the history, where there is one."""
    readers = seed(url, args.working_tasks, POLLERS, READERS, history)
    with (
        tempfile.TemporaryDirectory(prefix="bench-scale-api-") as home,
        running_api(url, Path(home), processes=args.processes, ready_within=180) as server,
    ):
        database_before = _database_cpu(pgdata)
        load = asyncio.run(
            api.run_load(
                server.port, server.pid, readers, args.warmup, args.duration, 0.5, args.poll
            )
        )
        database = _database_cpu(pgdata) - database_before
    api.report(load, args.duration)
    requests = max(1, sum(len(values) for values in load.samples.values()))
    measured = args.duration / (args.warmup + args.duration)  # Postgres was timed throughout
    return {
        WORKLIST_P95: 1000 * api.percentile(_samples(load, "GET /api/v1/tasks"), 0.95),
        NEXT_P99: 1000 * api.percentile(_samples(load, "POST /api/v1/tasks/next"), 0.99),
        HEALTHZ_P95: 1000 * api.percentile(_samples(load, "GET /healthz"), 0.95),
        API_CPU: 1000 * load.api_cpu_seconds / requests,
        API_DB_CPU: 1000 * database * measured / requests,
    }


def _database_cpu(pgdata: Path) -> float:
    """CPU seconds so far of the cluster's server processes (only the benches use it)."""
    return tree_cpu_seconds(int((pgdata / "postmaster.pid").read_text().split()[0]))


def _samples(load: api.Load, prefix: str) -> list[float]:
    found = [value for key, values in load.samples.items() if key.startswith(prefix)
             for value in values]  # fmt: skip
    return found or [float("nan")]


def _compare(results: dict[str, Figures]) -> None:
    empty, filled = results["empty"], results["filled"]
    print(f"\n{'figure':<36}{'empty':>12}{'filled':>12}{'ratio':>8}  target <= {TARGET}x")
    for figure, before in empty.items():
        after = filled.get(figure, float("nan"))
        ratio = before / after if figure.higher_is_better else after / before
        verdict = ("met" if ratio <= TARGET else "MISSED") if figure.judged else "context"
        print(f"{figure.name:<36}{before:>12.1f}{after:>12.1f}{ratio:>7.2f}x  {verdict}"
              f"  ({figure.unit})")  # fmt: skip


@contextmanager
def _cluster(keep: Path | None) -> Iterator[tuple[str, Path]]:
    """An embedded Postgres: in `keep` to be found again, else in a folder removed after."""
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as folder:
        pgdata = (keep or Path(folder)) / "pgdata"
        server = start_embedded_postgres(pgdata, "postgres")
        try:
            yield server, pgdata
        finally:
            stop_embedded_postgres(pgdata)


def _filled_database(server: str, tasks: int, instances: int, *, keep: bool) -> str:
    """A database holding the history: a copy of the kept one, else filled now (and kept)."""
    kept = f"scale_history_{tasks}_{instances}"
    if keep and _exists(server, kept):
        print(f"copying the kept history database {kept}", flush=True)
        url = _copy(server, kept, "scale_filled")
        started = time.perf_counter()
        upgrade_to_head(url)  # kept before a newer migration: it applies to the copy
        print(f"migrated the copy to head in {time.perf_counter() - started:.1f} s", flush=True)
        return url
    url = fresh_database(server, "scale_filled")
    upgrade_to_head(url)
    print(f"filling {tasks:,} tasks and {instances:,} instance rows", flush=True)
    filled = fill(url, tasks, instances)
    print(f"filled {filled.studies:,} studies, {filled.tasks:,} tasks, {filled.instances:,} "
          f"instances in {filled.seconds:.0f} s", flush=True)  # fmt: skip
    if keep:  # kept under its name only once complete
        get_engine(url).dispose()
        _copy(server, "scale_filled", kept)
    return url


def _exists(server: str, database: str) -> bool:
    with psycopg.connect(server, autocommit=True) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (database,))
        return found.fetchone() is not None


def _copy(server: str, template: str, name: str) -> str:
    started = time.perf_counter()
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {} STRATEGY FILE_COPY").format(
                sql.Identifier(name), sql.Identifier(template)
            )
        )
    print(f"copied in {time.perf_counter() - started:.0f} s", flush=True)
    url: str = make_url(server).set(database=name).render_as_string(hide_password=False)
    return url


if __name__ == "__main__":
    main()
