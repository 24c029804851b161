"""Reading-room load on a real `worklist api`: polling worklists, next case and finalize.

    .venv/bin/python -m bench.api [--duration 60] [--tasks 100000] [--api-processes N]

Seeds a fresh database (an embedded Postgres in a temporary folder unless BENCH_DATABASE_URL
names a server), starts `worklist api` on 127.0.0.1 with one process per core (as
WORKLIST_API_PROCESSES would be set for such a machine), then for a bounded time runs 200 clients
polling `GET /api/v1/tasks?assignee=me` with If-None-Match every 2 s, 20 clients taking and
finishing cases with `next`/`finalize`, and a `/healthz` prober as the in-run baseline.
"""

import argparse
import asyncio
import os
import random
import statistics
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from app.db.embedded import start_embedded_postgres, stop_embedded_postgres
from app.db.migrations import upgrade_to_head
from bench.api_seed import Readers, seed
from bench.cpu import tree_cpu_seconds
from bench.http1 import Connection, Reply
from tests.support.api_server import running_api
from tests.support.database import fresh_database

POLL_INTERVAL = 2.0
HEALTH_PROBERS = 10
WORKLIST = "/api/v1/tasks?assignee=me"  # every task the reader holds or held
HEALTH_INTERVAL = 1.0

Samples = dict[str, list[float]]


class Load:
    """Latencies by endpoint, and the failures seen, while `running` holds."""

    def __init__(self, port: int, measure_from: float, until: float) -> None:
        self.port = port
        self.measure_from = measure_from  # before this, the warm-up: nothing is recorded
        self.until = until
        self.samples: Samples = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.api_cpu_seconds = 0.0
        self.load_cpu_seconds = 0.0  # this process: the clients themselves

    @property
    def running(self) -> bool:
        return time.monotonic() < self.until

    def connect(self) -> Connection:
        return Connection("127.0.0.1", self.port)

    async def call(
        self,
        label: str,
        connection: Connection,
        method: str,
        path: str,
        headers: dict[str, str],
        body: object = None,
    ) -> Reply | None:
        started = time.perf_counter()
        try:
            reply = await connection.request(method, path, headers, body)
        except (OSError, asyncio.IncompleteReadError, ValueError) as error:
            self.errors[f"{label}: {type(error).__name__}"] += 1
            return None
        elapsed = time.perf_counter() - started
        if time.monotonic() < self.measure_from:
            return reply
        if reply.status >= 400:
            self.errors[f"{label}: {reply.status}"] += 1
        else:
            self.samples[f"{label} {reply.status}"].append(elapsed)
        return reply


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def poll_worklist(load: Load, token: str, path: str = WORKLIST) -> None:
    await asyncio.sleep(random.uniform(0, POLL_INTERVAL))
    connection, etag = load.connect(), None
    while load.running:
        headers = bearer(token) | ({"If-None-Match": etag} if etag else {})
        reply = await load.call(f"GET {path}", connection, "GET", path, headers)
        if reply is not None and "etag" in reply.headers:
            etag = reply.headers["etag"]
        await asyncio.sleep(POLL_INTERVAL)
    await connection.close()


async def read_cases(load: Load, token: str, pause: float) -> None:
    connection = load.connect()
    while load.running:
        claimed = await load.call(
            "POST /api/v1/tasks/next", connection, "POST", "/api/v1/tasks/next", bearer(token)
        )
        if claimed is None or claimed.status != 200:
            await asyncio.sleep(1.0)
            continue
        task = claimed.json()
        await asyncio.sleep(pause)
        body = {"version": task["version"], "findings": "unremarkable", "impression": "normal"}
        path = f"/api/v1/tasks/{task['id']}/finalize"
        label = "POST /api/v1/tasks/{id}/finalize"
        await load.call(label, connection, "POST", path, bearer(token), body)
        await asyncio.sleep(pause)
    await connection.close()


async def probe_health(load: Load) -> None:
    await asyncio.sleep(random.uniform(0, HEALTH_INTERVAL))
    connection = load.connect()
    while load.running:
        await load.call("GET /healthz", connection, "GET", "/healthz", {})
        await asyncio.sleep(HEALTH_INTERVAL)
    await connection.close()


async def watch_cpu(load: Load, pid: int) -> None:
    await asyncio.sleep(load.measure_from - time.monotonic())
    before, own_before = tree_cpu_seconds(pid), time.process_time()
    await asyncio.sleep(load.until - time.monotonic())
    load.api_cpu_seconds = tree_cpu_seconds(pid) - before
    load.load_cpu_seconds = time.process_time() - own_before


async def run_load(
    port: int,
    api_pid: int,
    readers: Readers,
    warmup: float,
    duration: float,
    pause: float,
    poll_path: str = WORKLIST,
) -> Load:
    start = time.monotonic()
    load = Load(port, start + warmup, start + warmup + duration)
    await asyncio.gather(
        *(poll_worklist(load, token, poll_path) for token in readers.pollers),
        *(read_cases(load, token, pause) for token in readers.workers),
        *(probe_health(load) for _ in range(HEALTH_PROBERS)),
        watch_cpu(load, api_pid),
    )
    return load


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def report(load: Load, duration: float) -> None:
    print(f"\n{'endpoint':<44}{'count':>8}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}")
    for label, values in sorted(load.samples.items()):
        ms = [v * 1000 for v in values]
        print(
            f"{label:<44}{len(ms):>8}{len(ms) / duration:>8.1f}{statistics.median(ms):>9.1f}"
            f"{percentile(ms, 0.95):>9.1f}{percentile(ms, 0.99):>9.1f}"
        )
    print(f"errors: {dict(load.errors) or 'none'}")
    requests = sum(len(values) for values in load.samples.values())
    print(
        f"API CPU (all its processes): {load.api_cpu_seconds:.1f} s in {duration:.0f} s "
        f"({1000 * load.api_cpu_seconds / max(requests, 1):.1f} ms per request); "
        f"load average after the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )
    capacity = duration * (os.cpu_count() or 1)
    print(
        f"load generator CPU: {load.load_cpu_seconds:.1f} s in {duration:.0f} s "
        f"({100 * load.load_cpu_seconds / capacity:.0f} % of the machine; "
        f"the API: {100 * load.api_cpu_seconds / capacity:.0f} %)"
    )
    _targets(load)


def _targets(load: Load) -> None:
    health = load.samples.get("GET /healthz 200", [])
    worklist = [
        v for k, vs in load.samples.items() if k.startswith("GET /api/v1/tasks") for v in vs
    ]
    nexts = [
        v for k, vs in load.samples.items() if k.startswith("POST /api/v1/tasks/next") for v in vs
    ]
    if not (health and worklist and nexts):
        print("not enough samples to check the targets")
        return
    ratio = percentile(worklist, 0.95) / percentile(health, 0.95)
    next_p99 = percentile(nexts, 0.99) * 1000
    print(f"worklist p95 / healthz p95 = {ratio:.2f} (target < 4): {_verdict(ratio < 4)}")
    print(f"next p99 = {next_p99:.1f} ms (target < 100): {_verdict(next_p99 < 100)}")
    print(f"errors: {sum(load.errors.values())} (target 0): {_verdict(not load.errors)}")


def _verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


@contextmanager
def bench_database(workdir: Path) -> Iterator[str]:
    configured = os.environ.get("BENCH_DATABASE_URL")
    if configured:
        yield fresh_database(configured, "worklist_bench")
        return
    pgdata = workdir / "pgdata"
    server = start_embedded_postgres(pgdata, "postgres")
    try:
        yield fresh_database(server, "worklist_bench")
    finally:
        stop_embedded_postgres(pgdata)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=60.0, help="seconds measured")
    parser.add_argument("--warmup", type=float, default=10.0, help="seconds of load before")
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--pollers", type=int, default=200)
    parser.add_argument("--readers", type=int, default=20)
    parser.add_argument("--pause", type=float, default=0.5, help="reader's seconds per step")
    parser.add_argument(
        "--api-processes", type=int, default=os.cpu_count() or 1, help="one per core by default"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, bench_database(Path(folder)) as database_url:
        upgrade_to_head(database_url)
        started = time.perf_counter()
        readers = seed(database_url, args.tasks, args.pollers, args.readers)
        print(f"seeded {args.tasks} tasks in {time.perf_counter() - started:.1f} s")
        print(f"worklist api with {args.api_processes} processes")
        home = Path(folder) / "home"
        with running_api(database_url, home, processes=args.api_processes) as api:
            load = asyncio.run(
                run_load(api.port, api.pid, readers, args.warmup, args.duration, args.pause)
            )
        print(f"{args.pollers} pollers every {POLL_INTERVAL:.0f} s, {args.readers} readers, "
              f"{HEALTH_PROBERS} /healthz probers; {args.duration:.0f} s measured after "
              f"{args.warmup:.0f} s warm-up, on 127.0.0.1")  # fmt: skip
        report(load, args.duration)


if __name__ == "__main__":
    main()
