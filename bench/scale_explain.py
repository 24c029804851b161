"""What a filled database holds per study, and the plans of its hot queries as the service
itself sends them.

Each operation runs the application's own function in a transaction that is rolled back; every
statement it sends is first run under EXPLAIN (ANALYZE, BUFFERS) with the same parameters.

    .venv/bin/python -m bench.scale_explain DATABASE_URL   (bench.scale runs it at its end)
"""

import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import text
from sqlalchemy.orm import Session

from app.db.session import get_engine
from app.principal import Principal
from app.routing import repository as routing
from app.settings import Settings
from app.studies import repository as studies
from app.tasks import board, metrics, next_case, queues, worklist
from app.vocabulary import Role
from tests.support.plans import explained

PLAN_LINES = 14  # the top of each plan: where the time goes and which index


def explain_hot_queries(database_url: str) -> None:
    reader = _busiest_reader(database_url)
    settings = Settings(DATABASE_URL=database_url)
    me = Principal(name="bench", role=Role.RADIOLOGIST, radiologist_id=reader)
    mine = worklist.WorklistFilter(assignee_id=reader, visible_to_radiologist=reader)
    month_ago = datetime.now(UTC) - timedelta(days=30)
    operations: dict[str, Callable[[Session], object]] = {
        "worklist poll: ETag (assignee=me)": lambda s: worklist.fingerprint(s, mine, "k"),
        "worklist poll: page (assignee=me)": lambda s: worklist.page(s, mine, "urgency", None, 50),
        "next case": lambda s: next_case.claim_next(s, me, settings),
        "assigner: readers with load": lambda s: routing.readers_with_load(s, lock=False),
        "assigner: readers of patients": lambda s: routing.readers_of_patients(s, ["YR1", "YR2"]),
        "stability sweep: settled studies": lambda s: studies.claim_settled_studies(
            s, datetime.now(UTC), 100
        ),
        "worker gauges: awaiting stability": studies.count_awaiting_stability,
        "worker gauges: task queues": queues.task_queues,
        "on-duty board: reader figures": board.reader_figures,
        "metrics: turnaround, last 30 days": lambda s: metrics.turnaround(s, month_ago),
        "metrics: concordance, last 30 days": lambda s: metrics.concordance(s, month_ago),
        "listener start: all instance rows": studies.count_instances,
    }
    print(f"\n== plans on the filled database (reader {reader}) ==")
    for name, operation in operations.items():
        print(f"\n-- {name}")
        with (
            explained(get_engine(database_url)) as plans,
            Session(get_engine(database_url)) as session,
        ):
            operation(session)
            session.rollback()
        for lines in plans:
            if len(lines) > PLAN_LINES:  # the top, and the last line: its execution time
                lines = [*lines[:PLAN_LINES], "  ...", lines[-1]]
            print("\n".join(lines))


_GROWTH = """
SELECT c.relname, c.reltuples::bigint, pg_total_relation_size(c.oid)
FROM pg_class AS c JOIN pg_namespace AS n ON n.oid = c.relnamespace
WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.reltuples > 0
ORDER BY pg_total_relation_size(c.oid) DESC
"""


def print_growth(database_url: str) -> None:
    """Rows and bytes (table, indexes and TOAST) of each table, in all and per study."""
    with get_engine(database_url).connect() as connection:
        studies = int(connection.scalar(text("SELECT count(*) FROM studies")) or 1)
        tables = connection.execute(text(_GROWTH)).all()
    print(f"\n== what {studies:,} studies hold ==")
    print(f"{'table':<28}{'rows':>14}{'MB':>10}{'rows/study':>12}{'bytes/study':>13}")
    for name, rows, size in tables:
        print(f"{name:<28}{rows:>14,}{size / 1e6:>10,.0f}{rows / studies:>12.2f}"
              f"{size / studies:>13,.0f}")  # fmt: skip
    total = sum(size for _, _, size in tables)
    print(f"{'all':<28}{'':>14}{total / 1e6:>10,.0f}{'':>12}{total / studies:>13,.0f}")


def _busiest_reader(database_url: str) -> int:
    with get_engine(database_url).connect() as connection:
        query = "SELECT assignee_id FROM reading_tasks WHERE assignee_id IS NOT NULL LIMIT 1"
        return int(connection.scalar(text(query)) or 0)


if __name__ == "__main__":
    print_growth(sys.argv[1])
    explain_hot_queries(sys.argv[1])
