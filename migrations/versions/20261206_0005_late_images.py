"""late images and the listener's start

Revision ID: 0005_late_images
Revises: 0003_change_xid
Create Date: 2026-12-06 05:30:00

A study that receives images after it was marked stable is settled again once quiet: the
stability sweep finds such studies through a partial index on `changed_after_stable_at`. The
listener records when it last started (after reconciling its storage), so that studies still
arriving when it stopped get their quiet period counted from that start.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_late_images"
down_revision: str | None = "0003_change_xid"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_studies_changed_after_stable",
        "studies",
        ["changed_after_stable_at"],
        postgresql_where=sa.text("changed_after_stable_at IS NOT NULL"),
    )
    op.create_table(
        "listener_starts",
        sa.Column("id", sa.SmallInteger(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_listener_starts_one_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_listener_starts")),
    )


def downgrade() -> None:
    op.drop_table("listener_starts")
    op.drop_index("ix_studies_changed_after_stable", table_name="studies")
