"""The reading room's pages under load, beside the JSON list they mirror, on a real `worklist api`.

    .venv/bin/python -m bench.web [--duration 60] [--tasks 100000] [--api-processes N]
        [--finished 100000] [--admin-repeats 10]

Seeds 100,000 tasks as `bench.api` does, signs 50 radiologists in, then for a bounded time: each
of them loads their worklist page (`GET /?tab=mine`) every 2 s while their API token asks for the
same list as JSON (`GET /api/v1/tasks`, no ETag, so both are rendered in full); 20 more do next
case → open the case page → finalize, through the pages as a browser would (session cookie, CSRF
token, forms); and `/healthz` is probed as the in-run baseline. Prints p50/p95/p99 of each.
Then, on the same server, an admin times the dry run over the last 10,000 stable studies and the
dashboard over 90 days of 100,000 finished tasks, each page beside its JSON (`bench.web_admin`).
"""

import argparse
import asyncio
import random
import re
import tempfile
import time
from pathlib import Path

from app.db.migrations import upgrade_to_head
from bench.api import (
    HEALTH_PROBERS,
    Load,
    bench_database,
    percentile,
    probe_health,
    report,
    watch_cpu,
)
from bench.api_seed import seed
from bench.http1 import Form
from bench.web_admin import run_admin_pages, seed_history, sign_admin_in
from bench.web_seed import SignedIn, sign_everyone_in
from tests.support.api_server import running_api

POLL_INTERVAL = 2.0
PAGE = "/?tab=mine"
JSON_LIST = (
    "/api/v1/tasks?assignee=me&state=UNASSIGNED&state=ASSIGNED&state=IN_PROGRESS"
    "&state=PRELIMINARY&limit=100"
)
_VERSION = re.compile(rb'name="version" value="(\d+)"')


def cookie(person: SignedIn) -> dict[str, str]:
    return {"Cookie": f"worklist_session={person.cookie}"}


async def load_worklist_page(load: Load, person: SignedIn) -> None:
    await asyncio.sleep(random.uniform(0, POLL_INTERVAL))
    connection = load.connect()
    while load.running:
        await load.call(f"GET {PAGE}", connection, "GET", PAGE, cookie(person))
        await asyncio.sleep(POLL_INTERVAL)
    await connection.close()


async def read_json_list(load: Load, person: SignedIn) -> None:
    await asyncio.sleep(random.uniform(0, POLL_INTERVAL))
    connection = load.connect()
    headers = {"Authorization": f"Bearer {person.token}"}
    while load.running:
        await load.call("GET /api/v1/tasks (same list)", connection, "GET", JSON_LIST, headers)
        await asyncio.sleep(POLL_INTERVAL)
    await connection.close()


async def read_cases_through_pages(load: Load, person: SignedIn, pause: float) -> None:
    connection = load.connect()
    while load.running:
        claimed = await load.call("POST /next", connection, "POST", "/next", cookie(person),
                                  Form(csrf_token=person.csrf))  # fmt: skip
        if claimed is None or claimed.status != 303:
            await asyncio.sleep(1.0)
            continue
        case = claimed.headers["location"]
        opened = await load.call("GET /tasks/{id}", connection, "GET", case, cookie(person))
        version = _VERSION.search(opened.body) if opened else None
        if version is None:
            continue
        await asyncio.sleep(pause)
        form = Form(csrf_token=person.csrf, action="finalize", version=version[1].decode(),
                    findings="unremarkable", impression="normal")  # fmt: skip
        await load.call("POST /tasks/{id} finalize", connection, "POST", case, cookie(person), form)
        await asyncio.sleep(pause)
    await connection.close()


async def run_load(
    port: int, api_pid: int, loaders: list[SignedIn], readers: list[SignedIn], warmup: float,
    duration: float, pause: float,
) -> Load:  # fmt: skip
    start = time.monotonic()
    load = Load(port, start + warmup, start + warmup + duration)
    await asyncio.gather(
        *(load_worklist_page(load, person) for person in loaders),
        *(read_json_list(load, person) for person in loaders),
        *(read_cases_through_pages(load, person, pause) for person in readers),
        *(probe_health(load) for _ in range(HEALTH_PROBERS)),
        watch_cpu(load, api_pid),
    )
    return load


def page_against_json(load: Load) -> None:
    page = load.samples.get(f"GET {PAGE} 200", [])
    listed = load.samples.get("GET /api/v1/tasks (same list) 200", [])
    if not (page and listed):
        print("not enough samples to compare the page with the JSON list")
        return
    ratio = percentile(page, 0.95) / percentile(listed, 0.95)
    verdict = "met" if ratio <= 1.5 else "MISSED"
    print(f"worklist page p95 / JSON list p95 = {ratio:.2f} (target <= 1.5): {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=60.0, help="seconds measured")
    parser.add_argument("--warmup", type=float, default=10.0, help="seconds of load before")
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--sessions", type=int, default=50)
    parser.add_argument("--readers", type=int, default=20)
    parser.add_argument("--pause", type=float, default=0.5, help="reader's seconds per step")
    parser.add_argument("--api-processes", type=int, default=1)
    parser.add_argument("--finished", type=int, default=100_000, help="finished tasks, 90 days")
    parser.add_argument("--admin-repeats", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, bench_database(Path(folder)) as database_url:
        upgrade_to_head(database_url)
        started = time.perf_counter()
        tokens = seed(database_url, args.tasks, args.sessions, args.readers)
        people = sign_everyone_in(database_url, tokens.pollers + tokens.workers)
        history = seed_history(database_url, args.finished)
        admin = sign_admin_in(database_url)
        print(f"seeded {args.tasks} tasks, {history} more finished over 90 days and "
              f"{len(people)} sessions in {time.perf_counter() - started:.1f} s")  # fmt: skip
        home = Path(folder) / "home"
        with running_api(database_url, home, processes=args.api_processes) as api:
            load = asyncio.run(run_load(api.port, api.pid, people[: args.sessions],
                                        people[args.sessions :], args.warmup, args.duration,
                                        args.pause))  # fmt: skip
            run_admin_pages(api.port, admin, args.admin_repeats)
        print(f"{args.sessions} signed-in worklist pages and as many JSON lists every "
              f"{POLL_INTERVAL:.0f} s, {args.readers} readers through pages, {HEALTH_PROBERS} "
              f"/healthz probers; {args.duration:.0f} s after {args.warmup:.0f} s warm-up; "
              f"{args.api_processes} API process(es)")  # fmt: skip
        report(load, args.duration)
        page_against_json(load)


if __name__ == "__main__":
    main()
