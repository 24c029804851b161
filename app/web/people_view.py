"""What the radiologists page shows: the roster, the on-duty board, and the pools nobody covers."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from app.people import service as people
from app.people.schemas import RadiologistOut
from app.routing.assigner import candidates
from app.settings import Settings
from app.tasks.board import reader_figures


@dataclass(frozen=True)
class BoardRow:
    id: int
    name: str
    until: str
    pools: list[str]
    open_tasks: int
    open_workload: float
    stat: int
    urgent: int
    last_finished_at: datetime | None


@dataclass(frozen=True)
class Board:
    rows: list[BoardRow]
    uncovered_pools: list[str]


def on_duty_board(session: Session, settings: Settings, roster: list[RadiologistOut]) -> Board:
    """Who is on duty now, with the assigner's own workload figures, and the pools left bare."""
    local_now = datetime.now(settings.zone)
    by_id = {radiologist.id: radiologist for radiologist in roster}
    figures = reader_figures(session)
    rows = [
        BoardRow(
            id=reader.id, name=reader.name, until=_until(by_id[reader.id], local_now),
            pools=sorted(reader.subspecialties), open_tasks=reader.open_tasks,
            open_workload=reader.open_workload,
            stat=figures[reader.id].stat if reader.id in figures else 0,
            urgent=figures[reader.id].urgent if reader.id in figures else 0,
            last_finished_at=figures[reader.id].last_finished_at if reader.id in figures else None,
        )
        for reader in candidates(session, settings, lock=False)
        if reader.active and reader.on_duty and reader.id in by_id
    ]  # fmt: skip
    covered = {pool for row in rows for pool in row.pools}
    pools = [pool.code for pool in people.list_subspecialties(session)]
    return Board(rows, [pool for pool in pools if pool not in covered])


def _until(radiologist: RadiologistOut, local_now: datetime) -> str:
    if radiologist.on_duty:
        return "until switched off"
    ends = [f"{shift.end:%H:%M}" for shift in radiologist.shift_windows if shift.covers(local_now)]
    return f"until {max(ends)}" if ends else ""
