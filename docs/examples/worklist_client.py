"""A reading-room client of the Reading Worklist API, doing each thing the way the API expects.

Read it beside docs/api.md, copy it, change it. It needs only httpx (`pip install httpx`):

    client = WorklistClient("http://127.0.0.1:8000", token)
    rows = client.worklist(assignee="me")          # None when nothing moved since the last poll
    task = client.next_case()                      # claimed for you, or None
    task = client.act(task, "finalize", impression="No acute abnormality.")
    for change in client.changes():                # every change once, in order, resumable
        ...
"""

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx

Task = dict[str, Any]


class ApiProblem(Exception):
    """An answer in `application/problem+json`: `detail` says what went wrong, for a person."""

    def __init__(self, problem: dict[str, Any]) -> None:
        super().__init__(f"{problem.get('status')} {problem.get('detail')}")
        self.status: int = problem.get("status", 0)
        self.detail: str = problem.get("detail", "")
        self.problem = problem


class StaleVersion(ApiProblem):
    """409: someone moved the task first. Reload it and decide again; never just retry."""


@dataclass
class WorklistClient:
    base_url: str
    token: str
    timeout: float = 10.0
    etags: dict[str, str] = field(default_factory=dict)
    changes_cursor: str = "0"
    last_event_id: str | None = None

    def __post_init__(self) -> None:
        self.http = httpx.Client(
            base_url=self.base_url,
            timeout=self.timeout,
            headers={"Authorization": f"Bearer {self.token}"},
        )

    def close(self) -> None:
        self.http.close()

    def worklist(self, **filters: str | int | bool) -> list[Task] | None:
        """The first page of a worklist, or None when it is unchanged since the last call.

        Sends the last `ETag` of the same query as `If-None-Match`: an unchanged list costs the
        server one small query and comes back as `304` without a body.
        """
        params = {key: str(value).lower() if isinstance(value, bool) else str(value)
                  for key, value in filters.items()}  # fmt: skip
        key = json.dumps(params, sort_keys=True)
        headers = {"If-None-Match": self.etags[key]} if key in self.etags else {}
        response = self._send("GET", "/api/v1/tasks", params=params, headers=headers)
        if response.status_code == 304:
            return None
        self.etags[key] = response.headers["ETag"]
        items: list[Task] = response.json()["items"]
        return items

    def task(self, task_id: int) -> Task:
        """One task with its study, history, reports and `allowed_actions`."""
        detail: Task = self._send("GET", f"/api/v1/tasks/{task_id}").json()
        return detail

    def next_case(self) -> Task | None:
        """Claim the most urgent task this reader may read; None when nothing is left."""
        response = self._send("POST", "/api/v1/tasks/next")
        if response.status_code == 204:
            return None
        claimed: Task = response.json()
        return claimed

    def act(self, task: Task, action: str, **fields: Any) -> Task:
        """`claim`, `release`, `preliminary`, `finalize`, `addendum`... on the version we saw.

        Returns the task as it is now, with its new version for the next action. A 409 raises
        StaleVersion: somebody else moved it, so reload it and look before acting again.
        """
        body = {"version": task["version"], **fields}
        moved: Task = self._send("POST", f"/api/v1/tasks/{task['id']}/{action}", json=body).json()
        return moved

    def changes(self, limit: int = 500) -> Iterator[Task]:
        """Every task change since the last call, in order; the cursor moves after each page.

        Keep `changes_cursor` between runs (a file, a database) and no change is ever missed:
        the server only hands out a cursor once every earlier transaction has ended.
        """
        while True:
            params = {"since": self.changes_cursor, "limit": str(limit)}
            page = self._send("GET", "/api/v1/changes", params=params).json()
            yield from page["items"]
            self.changes_cursor = page["cursor"]
            if len(page["items"]) < limit:
                return

    def events(self, read_timeout: float = 30.0) -> Iterator[Task]:
        """Task changes as the server pushes them (server-sent events), until the stream ends.

        On reconnecting, pass the id of the last event seen (`Last-Event-ID`): the server first
        replays what was missed. A change may come twice, so compare `version`s before acting.
        """
        headers = {"Accept": "text/event-stream"}
        if self.last_event_id is not None:
            headers["Last-Event-ID"] = self.last_event_id
        timeout = httpx.Timeout(self.timeout, read=read_timeout)
        with self.http.stream("GET", "/api/v1/events", headers=headers, timeout=timeout) as stream:
            if stream.status_code != 200:
                stream.read()
                raise ApiProblem(stream.json())
            for event_id, data in _server_sent_events(stream.iter_lines()):
                self.last_event_id = event_id
                yield json.loads(data)

    def _send(self, method: str, path: str, **options: Any) -> httpx.Response:
        """One request, waiting out `429 Too Many Requests` as `Retry-After` asks."""
        for _ in range(5):
            response = self.http.request(method, path, **options)
            if response.status_code != 429:
                break
            time.sleep(float(response.headers.get("Retry-After", "1")))
        if response.status_code == 409:
            raise StaleVersion(response.json())
        if response.status_code >= 400:
            raise ApiProblem(response.json())
        return response


def _server_sent_events(lines: Iterator[str]) -> Iterator[tuple[str, str]]:
    """(id, data) of each event; comments (`: keepalive`) and unnamed fields are skipped."""
    event_id, data = "", list[str]()
    for line in lines:
        if line == "":
            if data:
                yield event_id, "\n".join(data)
            data = []
        elif line.startswith("id:"):
            event_id = line[3:].strip()
        elif line.startswith("data:"):
            data.append(line[5:].strip())
