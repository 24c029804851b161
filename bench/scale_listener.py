"""Our listener as the ingest bench runs it, on a database that keeps its history between runs."""

import time
from datetime import UTC, datetime
from pathlib import Path

import psycopg

from app.db.session import session_scope
from app.studies.quiet_period import last_listener_start
from bench.ingest_targets import OurListener


class ListenerOnHistory(OurListener):
    """Stores into a database that already holds studies: only this bench's rows are removed
    before a run and counted after it. Its start is timed: to the first C-ECHO answered, and to
    the end of the reconciliation of storage with the rows, which runs meanwhile and which the
    run waits for, so that it is not measured alongside the ingest."""

    ready_within = 600.0

    def __init__(self, database_url: str, processes: int, pgdata: Path) -> None:
        super().__init__(database_url, processes, pgdata)
        with psycopg.connect(database_url) as conn:
            row = conn.execute("SELECT coalesce(max(id), 0) FROM studies").fetchone()
        self.history_ends = int(row[0]) if row else 0

    def clear(self) -> None:
        with psycopg.connect(self.database_url, autocommit=True) as conn:
            conn.execute("DELETE FROM studies WHERE id > %s", (self.history_ends,))

    def start(self, workdir: Path, port: int) -> None:
        started, launched = time.perf_counter(), datetime.now(UTC)
        super().start(workdir, port)
        print(f"listener answered C-ECHO {time.perf_counter() - started:.1f} s after its start")
        deadline = started + self.ready_within
        while not self._reconciled_since(launched) and time.perf_counter() < deadline:
            time.sleep(0.2)
        print(
            f"listener reconciled its storage {time.perf_counter() - started:.1f} s after its start"
        )

    def _reconciled_since(self, launched: datetime) -> bool:
        with session_scope(self.database_url) as session:
            finished = last_listener_start(session)
        return finished is not None and finished >= launched

    def stored(self) -> int:
        with psycopg.connect(self.database_url) as conn:
            row = conn.execute(
                "SELECT count(*) FROM instances WHERE study_id > %s", (self.history_ends,)
            ).fetchone()
        return int(row[0]) if row else 0
