"""The admin pages beside their JSON endpoints, for `python -m bench.web`: the dry run over the last
10,000 stable studies (`/admin/rules/edit` and `POST /api/v1/rules/dry-run`), and the department
figures over 90 days of 100,000 finished tasks (`/admin/dashboard` and `/api/v1/metrics/*`).

One admin asks them one after the other, alternating page and JSON, so each answer is timed alone.
"""

import asyncio
import json
import statistics
import time
from typing import Any

from sqlalchemy import text

from app.auth.service import issue_token
from app.db.session import get_engine, session_scope
from app.vocabulary import Role
from bench.api import percentile
from bench.api_seed import POOLS
from bench.http1 import Connection, Form
from bench.web_seed import SignedIn, sign_everyone_in

DRY_RUN_WINDOW = 10_000
DASHBOARD_DAYS = 90
DRY_RUN_TARGET = 2.0
DASHBOARD_TARGET = 1.0

# Finished history: final reads over 90 days, one in twenty over-read with a RADPEER score.
_HISTORY_STUDIES = """
INSERT INTO studies (study_instance_uid, patient_id, patient_name, accession_number,
    study_description, modalities, institution_name, stable_at, instance_count)
SELECT '1.2.826.0.1.3680043.10.8.' || i, 'HID' || (i % 30000), 'DOE^OLD' || i, 'HACC' || i,
    'CT CHEST', '{CT}', 'General Hospital',
    now() - interval '1 day' - (i % 128000) * interval '1 minute', 200
FROM generate_series(1, :count) AS i
"""
_HISTORY_TASKS = """
INSERT INTO reading_tasks (study_id, state, subspecialty, priority, assignee_id, due_at,
    finalized_at)
SELECT s.id, 'FINAL', (CAST(:pools AS text[]))[1 + s.id % 6],
    (ARRAY['STAT', 'URGENT', 'ROUTINE', 'ROUTINE'])[1 + (s.id / 7) % 4],
    (CAST(:readers AS bigint[]))[1 + s.id % :reader_count], s.stable_at + interval '24 hours',
    s.stable_at + (20 + s.id % 900) * interval '1 minute'
FROM studies s WHERE s.study_instance_uid LIKE '1.2.826.0.1.3680043.10.8.%'
"""
_OVER_READS = """
INSERT INTO reading_tasks (study_id, kind, primary_task_id, state, subspecialty, priority,
    assignee_id, due_at, finalized_at, radpeer)
SELECT t.study_id, 'SECOND_OPINION', t.id, 'FINAL', t.subspecialty, 'ROUTINE', t.assignee_id,
    t.due_at, t.finalized_at + interval '1 day',
    (ARRAY['1', '1', '1', '2a', '2b', '3a', '3b'])[1 + t.id % 7]
FROM reading_tasks t JOIN studies s ON s.id = t.study_id
WHERE s.study_instance_uid LIKE '1.2.826.0.1.3680043.10.8.%' AND t.id % 20 = 0
"""


def seed_history(database_url: str, finished: int) -> int:
    """Finished tasks over the 90 days before the last day, read by the seeded readers, up to
    `finished` with those already there; returns how many were added."""
    with get_engine(database_url).begin() as connection:
        connection.execute(text("SET LOCAL session_replication_role = replica"))
        there = connection.scalar(text("SELECT count(*) FROM reading_tasks WHERE state = 'FINAL'"))
        count = max(finished - (there or 0), 0)
        readers = list(connection.scalars(text("SELECT id FROM radiologists")))
        connection.execute(text(_HISTORY_STUDIES), {"count": count})
        values = {"pools": list(POOLS), "readers": readers, "reader_count": len(readers)}
        connection.execute(text(_HISTORY_TASKS), values)
        connection.execute(text(_OVER_READS))
    with get_engine(database_url).connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT").execute(text("VACUUM ANALYZE"))
    return count


def sign_admin_in(database_url: str) -> SignedIn:
    with session_scope(database_url) as session:
        token = issue_token(session, name="bench-admin", role=Role.ADMIN).secret
    (admin,) = sign_everyone_in(database_url, [token])
    return admin


async def measure_admin_pages(port: int, admin: SignedIn, repeats: int) -> None:
    connection = Connection("127.0.0.1", port)
    samples: dict[str, list[float]] = {}
    page_headers = {"Cookie": f"worklist_session={admin.cookie}"}
    json_headers = {"Authorization": f"Bearer {admin.token}"}
    current = (await connection.request("GET", "/api/v1/rules", json_headers)).json()
    rules = _first_rule_switched_off(current["rules"])
    page_form = Form(csrf_token=admin.csrf, base_version=str(current["version"]), action="json",
                     rules_json=json.dumps({"rules": rules}), last=str(DRY_RUN_WINDOW))  # fmt: skip
    calls: list[tuple[str, str, str, dict[str, str], Any]] = [
        ("dry run page", "POST", "/admin/rules/edit", page_headers, page_form),
        ("dry run JSON", "POST", "/api/v1/rules/dry-run", json_headers,
         {"rules": rules, "last": DRY_RUN_WINDOW}),
        ("dashboard page", "GET", f"/admin/dashboard?days={DASHBOARD_DAYS}", page_headers, None),
        ("turnaround JSON", "GET", f"/api/v1/metrics/turnaround?days={DASHBOARD_DAYS}",
         json_headers, None),
        ("concordance JSON", "GET", f"/api/v1/metrics/concordance?days={DASHBOARD_DAYS}",
         json_headers, None),
        ("ingest JSON", "GET", "/api/v1/metrics/ingest", json_headers, None),
    ]  # fmt: skip
    for _ in range(repeats):
        for label, method, path, headers, body in calls:
            started = time.perf_counter()
            reply = await connection.request(method, path, headers, body)
            if reply.status >= 400:
                raise RuntimeError(f"{label}: {reply.status} {reply.body[:300]!r}")
            samples.setdefault(label, []).append(time.perf_counter() - started)
    await connection.close()
    _report(samples, repeats)


def _first_rule_switched_off(rules: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A proposal that moves studies: the first rule switched off."""
    return [rules[0] | {"enabled": False}, *rules[1:]]


def _report(samples: dict[str, list[float]], repeats: int) -> None:
    print(f"\nadmin pages, {repeats} times each, one admin, after the load:")
    print(f"{'':<20}{'median ms':>10}{'p95 ms':>9}{'max ms':>9}")
    for label, values in samples.items():
        ms = [value * 1000 for value in values]
        print(f"{label:<20}{statistics.median(ms):>10.0f}{percentile(ms, 0.95):>9.0f}"
              f"{max(ms):>9.0f}")  # fmt: skip
    dry_run = max(samples["dry run page"])
    dashboard = percentile(samples["dashboard page"], 0.95)
    print(f"dry run over the last {DRY_RUN_WINDOW} stable studies, page, slowest "
          f"{dry_run:.2f} s (target < {DRY_RUN_TARGET:.0f} s): "
          f"{'met' if dry_run < DRY_RUN_TARGET else 'MISSED'}")  # fmt: skip
    print(f"dashboard over {DASHBOARD_DAYS} days, page p95 {dashboard:.2f} s "
          f"(target < {DASHBOARD_TARGET:.0f} s): "
          f"{'met' if dashboard < DASHBOARD_TARGET else 'MISSED'}")  # fmt: skip


def run_admin_pages(port: int, admin: SignedIn, repeats: int) -> None:
    asyncio.run(measure_admin_pages(port, admin, repeats))
