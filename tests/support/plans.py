"""The plans Postgres chose for the statements a piece of code sends, measured as it runs."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Engine, event


@contextmanager
def explained(
    engine: Engine | Connection, options: str = "ANALYZE, BUFFERS"
) -> Iterator[list[list[Any]]]:
    """Run every reading or locking statement sent through `engine` under EXPLAIN first, with
    the same parameters; collect each EXPLAIN's rows (text lines, or one JSON document).

    EXPLAIN ANALYZE executes the statement: run the code in a transaction that is rolled back.
    """
    plans: list[list[Any]] = []

    def explain(
        conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool
    ) -> None:
        if many or not statement.lstrip().upper().startswith(("SELECT", "WITH", "UPDATE")):
            return
        cursor.execute(f"EXPLAIN ({options}) {statement}", parameters)
        plans.append([row[0] for row in cursor.fetchall()])

    event.listen(engine, "before_cursor_execute", explain)
    try:
        yield plans
    finally:
        event.remove(engine, "before_cursor_execute", explain)


def rows_read(plan: dict[str, Any], table: str) -> int:
    """Rows the plan's scans of `table` read: those returned and those filtered out."""
    own = 0
    if plan.get("Relation Name") == table:
        kept = plan.get("Actual Rows", 0) * plan.get("Actual Loops", 1)
        removed = plan.get("Rows Removed by Filter", 0) + plan.get(
            "Rows Removed by Index Recheck", 0
        )
        own = kept + removed
    return own + sum(rows_read(child, table) for child in plan.get("Plans", []))
