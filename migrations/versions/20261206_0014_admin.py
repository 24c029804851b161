"""instances by when they arrived

Revision ID: 0014_admin
Revises: 0013_hl7_speed
Create Date: 2026-12-06 08:30:00

The ingest figures of the dashboard count the instances received per minute over the last day:
an index on `received_at` keeps that a range scan however large the table grows.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0014_admin"
down_revision: str | None = "0013_hl7_speed"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(op.f("ix_instances_received_at"), "instances", ["received_at"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_instances_received_at"), table_name="instances")
