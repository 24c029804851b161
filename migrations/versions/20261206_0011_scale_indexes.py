"""indexes for a year of finished work

Revision ID: 0011_scale_indexes
Revises: 0010_second_opinion
Create Date: 2026-12-06 09:00:00

Queries over a time window of finished reads (turnaround, concordance, cases needing review),
each reader's last finished read (the on-duty board), the unfinished tasks (overdue figures) and
a primary read's second opinions (task detail; and every foreign-key check when a task row is
deleted) read the whole task table without these, so their cost grew with every task ever
finished.
Measured with `python -m bench.scale`; see docs/scaling.md.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_scale_indexes"
down_revision: str | None = "0010_second_opinion"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_FINISHED = sa.text("finalized_at IS NOT NULL")


def upgrade() -> None:
    op.create_index(
        "ix_reading_tasks_finalized_at",
        "reading_tasks",
        ["finalized_at"],
        postgresql_where=_FINISHED,
    )
    op.create_index(
        "ix_reading_tasks_assignee_finalized",
        "reading_tasks",
        ["assignee_id", "finalized_at"],
        postgresql_where=_FINISHED,
    )
    op.create_index(
        "ix_reading_tasks_primary_task_id",
        "reading_tasks",
        ["primary_task_id"],
        postgresql_where=sa.text("primary_task_id IS NOT NULL"),
    )
    op.create_index(
        "ix_reading_tasks_unfinished",
        "reading_tasks",
        ["priority"],
        postgresql_where=sa.text("finalized_at IS NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_reading_tasks_unfinished", table_name="reading_tasks")
    op.drop_index("ix_reading_tasks_primary_task_id", table_name="reading_tasks")
    op.drop_index("ix_reading_tasks_assignee_finalized", table_name="reading_tasks")
    op.drop_index("ix_reading_tasks_finalized_at", table_name="reading_tasks")
