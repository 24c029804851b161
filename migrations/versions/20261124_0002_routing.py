"""routing: a workload weight on each reading task

Revision ID: 0002_routing
Revises: 0001
Create Date: 2026-11-24 09:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_routing"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "reading_tasks",
        sa.Column("workload_weight", sa.Float(), server_default=sa.text("1.0"), nullable=False),
    )


def downgrade() -> None:
    op.drop_column("reading_tasks", "workload_weight")
