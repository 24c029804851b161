"""how sure each classification is

Revision ID: 0015_confidence
Revises: 0014_admin
Create Date: 2026-12-06 09:00:00

Each series keeps the confidence (`high`, `medium`, `low`) of its sequence, plane and fat
suppression, and each study that of its region, question categories and urgency, as a JSON
object beside the answers (`{"sequence": "high", "plane": "low", ...}`). Rows classified before
have none (`{}`) until they are classified again.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0015_confidence"
down_revision: str | None = "0014_admin"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    for table in ("studies", "series"):
        op.add_column(
            table,
            sa.Column("confidence", postgresql.JSONB(), server_default="{}", nullable=False),
        )


def downgrade() -> None:
    for table in ("series", "studies"):
        op.drop_column(table, "confidence")
