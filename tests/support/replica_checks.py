"""What replicas did, read back from Postgres, their homes and their API: instances stored,
tasks routed and moved, changes seen on each API replica's feed and event stream."""

import json
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import boto3
import httpx
from sqlalchemy import func, select

from app.db.session import session_scope
from app.studies.models import Instance, Study
from app.tasks.models import ReadingTask, TaskEvent
from tests.support.replicas import Cluster
from tests.support.storescu import Push

Headers = dict[str, str]


def wait_until(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"not within {timeout} s: {what}"
        time.sleep(0.2)


def show_figures(label: str, *figures: Mapping[str, object]) -> None:
    """Print a run's figures: `pytest -s` shows them, to be quoted where the run is reported."""
    merged = {key: value for part in figures for key, value in part.items()}
    print(f"\n{label}: " + ", ".join(f"{k} {v}" for k, v in merged.items()))  # noqa: T201


def split_in_halves(folder: Path, first: Path, second: Path) -> None:
    """Every other file of a study to each folder: one study, two senders, two listeners."""
    for half in (first, second):
        half.mkdir(parents=True, exist_ok=True)
    for number, path in enumerate(sorted(folder.glob("*.dcm"))):
        path.rename((first if number % 2 == 0 else second) / path.name)


def stored_objects(cluster: Cluster) -> Counter[str]:
    """How many times each SOP Instance UID is stored: in the bucket the replicas share, else
    in every listener's home."""
    storage = cluster.env.get("WORKLIST_STORAGE", "")
    if storage.startswith("s3://"):
        bucket, _, prefix = storage.removeprefix("s3://").partition("/")
        keys = _bucket_keys(cluster.env, bucket, f"{prefix.strip('/')}/instances/".lstrip("/"))
        return Counter(PurePosixPath(key).stem for key in keys if key.endswith(".dcm"))
    homes = {replica.home for replica in cluster.replicas if replica.kind == "listener"}
    return Counter(path.stem for home in homes for path in (home / "storage").glob("*/*/*.dcm"))


def _bucket_keys(env: Mapping[str, str], bucket: str, prefix: str) -> list[str]:
    client = boto3.client(
        "s3",
        endpoint_url=env["WORKLIST_S3_ENDPOINT"],
        region_name=env["AWS_DEFAULT_REGION"],
        aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
    )
    pages = client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
    return [item["Key"] for page in pages for item in page.get("Contents", [])]


def instance_rows(url: str) -> Counter[str]:
    with session_scope(url) as session:
        return Counter(session.scalars(select(Instance.sop_instance_uid)))


def instance_figures(pushes: list[Push], cluster: Cluster, every_uid: set[str]) -> dict[str, int]:
    """Sent, acknowledged (by the first push, and by all), stored (rows, objects), acknowledged
    but lost, duplicates, never stored."""
    rows, objects = instance_rows(cluster.database_url), stored_objects(cluster)
    acknowledged = set().union(*(push.acknowledged for push in pushes))
    return {
        "instances": len(every_uid),
        "sent": sum(len(push.sent) for push in pushes),
        "acknowledged_through_fault": len(pushes[0].acknowledged),
        "acknowledged": len(acknowledged),
        "rows": len(rows),
        "objects": len(objects),
        "acknowledged_lost": len({uid for uid in acknowledged if not (rows[uid] and objects[uid])}),
        "duplicates": sum(n - 1 for n in rows.values()) + sum(n - 1 for n in objects.values()),
        "missing": len(every_uid - rows.keys()),
    }


def task_figures(url: str) -> dict[str, int]:
    """Studies, tasks and how often each job's change happened to one task more than once."""
    with session_scope(url) as session:
        studies = session.scalar(select(func.count()).select_from(Study)) or 0
        tasks = list(session.scalars(select(ReadingTask)))
        events = list(
            session.execute(select(TaskEvent.task_id, TaskEvent.action, TaskEvent.details))
        )
    primaries = Counter(task.study_id for task in tasks if task.kind == "PRIMARY")
    escalations = _escalation_steps(events)
    return {
        "studies": studies,
        "tasks": len(tasks),
        "routed_twice": sum(n - 1 for n in primaries.values()),
        "assigned_twice": _assigned_twice(events),
        "escalated_twice": sum(n - 1 for n in escalations.values()),
        "escalations": len(escalations),
        "assigned": sum(1 for task in tasks if task.assignee_id is not None),
    }


def _escalation_steps(events: list[Any]) -> Counter[tuple[int, str, int]]:
    """Each escalation step of each task, per routing: routing a task again (images came after
    it was routed) puts its priority back, and its SLA steps may be taken again."""
    routings: Counter[int] = Counter()
    steps: Counter[tuple[int, str, int]] = Counter()
    for task_id, action, details in events:
        if action in ("create", "reroute"):
            routings[task_id] += 1
        elif action == "escalate":
            for step in ("priority", "overdue"):
                if step in details:
                    steps[(task_id, step, routings[task_id])] += 1
    return steps


def _assigned_twice(events: list[Any]) -> int:
    """Assignments of a task already assigned, with no release or unassign in between."""
    holding: set[int] = set()
    twice = 0
    for task_id, action, _ in events:
        if action == "assign":
            twice += task_id in holding
            holding.add(task_id)
        elif action in ("release", "unassign", "reassign"):
            holding.discard(task_id)
    return twice


def task_actions(url: str, task_id: int) -> list[str]:
    """The task's history, action by action."""
    with session_scope(url) as session:
        query = select(TaskEvent.action).where(TaskEvent.task_id == task_id).order_by(TaskEvent.id)
        return list(session.scalars(query))


def current_versions(url: str) -> dict[int, int]:
    with session_scope(url) as session:
        rows = session.execute(select(ReadingTask.id, ReadingTask.version))
        return {task_id: version for task_id, version in rows}


def feed_versions(api_url: str, headers: Headers) -> dict[int, int]:
    """Each task's latest version by `/changes`, followed from the start to the end."""
    seen: dict[int, int] = {}
    cursor = "0"
    with httpx.Client(headers=headers, timeout=30) as http:
        while True:
            answer = http.get(f"{api_url}/api/v1/changes", params={"since": cursor})
            answer.raise_for_status()
            page = answer.json()
            if not page["items"]:
                return seen
            seen |= {item["id"]: item["version"] for item in page["items"]}
            cursor = page["cursor"]


@dataclass
class EventLog:
    """The task changes one API replica streamed, as they came."""

    changes: list[dict[str, Any]] = field(default_factory=list)

    def versions(self) -> dict[int, int]:
        latest: dict[int, int] = {}
        for change in self.changes:
            latest[change["id"]] = max(latest.get(change["id"], 0), change["version"])
        return latest


@contextmanager
def streaming_events(api_url: str, headers: Headers) -> Iterator[EventLog]:
    """Follow `/events` of one replica on a thread of its own until the block ends."""
    log = EventLog()
    client = httpx.Client(headers=headers, timeout=httpx.Timeout(30, read=None))
    response = client.send(client.build_request("GET", f"{api_url}/api/v1/events"), stream=True)
    response.raise_for_status()

    def read() -> None:
        try:
            for line in response.iter_lines():
                if line.startswith("data: "):
                    log.changes.append(json.loads(line.removeprefix("data: ")))
        except httpx.HTTPError:
            return  # closed at the end of the block, or the replica went away

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        yield log
    finally:
        response.close()
        client.close()
        reader.join(10)
