"""commit-ordered change feed

Revision ID: 0003_change_xid
Revises: 0002_workflow
Create Date: 2026-11-24 12:40:00

`change_seq` is taken when a row changes, not when its transaction commits, so a change can
commit after one with a higher number: a feed reading "change_seq > cursor" would skip it. Each
row now also records the id of the transaction that changed it. Every transaction whose id is
below the oldest one still running has ended, so the feeds hand out changes in transaction-id
order and never beyond that watermark.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_change_xid"
down_revision: str | None = "0002_workflow"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_CURRENT_XID = "pg_current_xact_id()::text::bigint"
# Below this transaction id every transaction has ended, committed or rolled back.
_WATERMARK = "pg_snapshot_xmin(pg_current_snapshot())::text::bigint"


def _mark_change(with_xid: bool) -> str:
    xid_line = f"    NEW.change_xid := {_CURRENT_XID};\n" if with_xid else ""
    return f"""
CREATE OR REPLACE FUNCTION reading_tasks_mark_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.change_seq := nextval('reading_task_change_seq');
{xid_line}    NEW.updated_at := now();
    RETURN NEW;
END $$;
"""


def _notify_change(with_watermark: bool) -> str:
    resume = f"'resume_from', {_WATERMARK}, " if with_watermark else ""
    return f"""
CREATE OR REPLACE FUNCTION reading_tasks_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('reading_task_changes', json_build_object(
        {resume}'id', NEW.id, 'change_seq', NEW.change_seq, 'kind', NEW.kind,
        'state', NEW.state, 'version', NEW.version, 'subspecialty', NEW.subspecialty,
        'priority', NEW.priority, 'assignee_id', NEW.assignee_id)::text);
    RETURN NULL;
END $$;
"""


def upgrade() -> None:
    # Rows from before this revision count as changed by transaction 0: long ended.
    op.add_column(
        "reading_tasks",
        sa.Column("change_xid", sa.BigInteger(), server_default="0", nullable=False),
    )
    op.alter_column("reading_tasks", "change_xid", server_default=sa.text(_CURRENT_XID))
    op.create_index(
        "ix_reading_tasks_change_xid", "reading_tasks", ["change_xid", "change_seq"], unique=True
    )
    op.execute(_mark_change(with_xid=True))
    op.execute(_notify_change(with_watermark=True))


def downgrade() -> None:
    op.execute(_notify_change(with_watermark=False))
    op.execute(_mark_change(with_xid=False))
    op.drop_index("ix_reading_tasks_change_xid", table_name="reading_tasks")
    op.drop_column("reading_tasks", "change_xid")
