"""A year of finished reads costs the on-duty board and the reading metrics nothing: they read
the open tasks and the window asked for, through indexes, never the finished history.

The tables here are small, so sequential scans are switched off: the planner then shows which
index paths exist, as it would choose them on a table of a million tasks.
"""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from app.people.models import Radiologist
from app.tasks import board, metrics, repository
from app.vocabulary import Priority, TaskKind, TaskState
from tests.support.factories import make_radiologist, make_study, make_task
from tests.support.plans import explained, rows_read

FINISHED_LONG_AGO = 300
# The few rows each figure needs (open tasks, the newest per reader, the window): not the history.
FEW = 10

_HISTORY = """
INSERT INTO reading_tasks (study_id, kind, state, subspecialty, priority, assignee_id, due_at,
    radpeer, finalized_at)
SELECT :study, CASE WHEN i % 3 = 0 THEN 'SECOND_OPINION' ELSE 'PRIMARY' END, 'FINAL', 'NEURO',
    'ROUTINE', :reader, now() - interval '300 days', CASE WHEN i % 3 = 0 THEN '3a' END,
    now() - interval '200 days' - i * interval '1 hour'
FROM generate_series(1, :count) AS i
"""


@pytest.fixture
def reader(session: Session) -> Radiologist:
    """A reader with a year of finished reads, one open STAT task and one read this morning."""
    now = datetime.now(UTC)
    reader = make_radiologist(session)
    study = make_study(session, stable_at=now - timedelta(days=365))
    values = {"study": study.id, "reader": reader.id, "count": FINISHED_LONG_AGO}
    session.execute(text(_HISTORY), values)
    finished = {"state": TaskState.FINAL.value, "finalized_at": now - timedelta(hours=1)}
    make_task(session, study, assignee_id=reader.id, **finished)
    make_task(
        session,
        study,
        state=TaskState.ASSIGNED.value,
        priority=Priority.STAT.value,
        assignee_id=reader.id,
    )
    session.execute(text("ANALYZE reading_tasks"))
    session.execute(text("SET LOCAL enable_seqscan = off"))
    return reader


def _task_rows_read(session: Session, operation: Callable[[Session], object]) -> int:
    with explained(session.get_bind(), "ANALYZE, FORMAT JSON") as plans:
        operation(session)
    return sum(rows_read(plan[0][0]["Plan"], "reading_tasks") for plan in plans)


def test_on_duty_board_reads_open_tasks_and_each_readers_newest_only(
    session: Session, reader: Radiologist
) -> None:
    figures = board.reader_figures(session)

    assert (figures[reader.id].stat, figures[reader.id].urgent) == (1, 0)
    assert figures[reader.id].last_finished_at is not None
    assert _task_rows_read(session, board.reader_figures) <= FEW


def test_turnaround_of_last_month_reads_last_month_only(
    session: Session, reader: Radiologist
) -> None:
    since = datetime.now(UTC) - timedelta(days=30)

    report = metrics.turnaround(session, since)

    assert [row.finalized for row in report.by_reader] == [1]
    assert _task_rows_read(session, lambda s: metrics.turnaround(s, since)) <= FEW


def test_concordance_and_review_cases_of_last_month_read_last_month_only(
    session: Session, reader: Radiologist
) -> None:
    since = datetime.now(UTC) - timedelta(days=30)
    primary = make_task(session, state=TaskState.FINAL.value, assignee_id=reader.id)
    make_task(
        session,
        kind=TaskKind.SECOND_OPINION.value,
        primary_task_id=primary.id,
        state=TaskState.FINAL.value,
        radpeer="3a",
        finalized_at=datetime.now(UTC),
    )

    assert metrics.concordance(session, since).by_subspecialty[0].total == 1
    assert len(metrics.cases_needing_review(session, since)) == 1
    reads = _task_rows_read(session, lambda s: metrics.concordance(s, since))
    reads += _task_rows_read(session, lambda s: metrics.cases_needing_review(s, since))
    assert reads <= FEW


def test_second_opinions_of_a_primary_read_are_found_without_reading_the_history(
    session: Session, reader: Radiologist
) -> None:
    primary = make_task(session, state=TaskState.FINAL.value, assignee_id=reader.id)
    make_task(session, kind=TaskKind.SECOND_OPINION.value, primary_task_id=primary.id)

    assert len(repository.linked_tasks(session, primary)) == 1
    assert _task_rows_read(session, lambda s: repository.linked_tasks(s, primary)) <= FEW
