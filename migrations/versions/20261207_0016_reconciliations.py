"""reconciliations under way

Revision ID: 0016_reconciliations
Revises: 0015_confidence
Create Date: 2026-12-07 09:00:00

A listener reconciling its storage at start records since when: studies whose first image came
after the latest running reconciliation began may be judged quiet meanwhile (a crash's files
belong to studies received before), rather than every study waiting for the whole listing.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016_reconciliations"
down_revision: str | None = "0015_confidence"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "reconciliations",
        sa.Column("id", sa.BigInteger(), sa.Identity(), nullable=False),
        sa.Column("began_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reconciliations")),
    )


def downgrade() -> None:
    op.drop_table("reconciliations")
