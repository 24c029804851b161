"""what a study said before its orders gave it a priority, a patient class or a location

Revision ID: 0017_facts_before_orders
Revises: 0016_reconciliations
Create Date: 2026-12-07 12:45:00

An order's priority, patient class and location replace the study's own; an order changed to no
longer state one (HL7's null, or a FHIR update leaving it out) gives the study back what it had
said. Studies that met their orders before this revision start with nothing remembered, so they
keep their orders' facts as before.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0017_facts_before_orders"
down_revision: str | None = "0016_reconciliations"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "studies",
        sa.Column(
            "facts_before_orders",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default="{}",
            nullable=False,
        ),
    )


def downgrade() -> None:
    op.drop_column("studies", "facts_before_orders")
