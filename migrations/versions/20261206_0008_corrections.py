"""clinical acuity modifiers, the patient's location, and corrections of classifications

Revision ID: 0008_corrections
Revises: 0007_web_sign_in
Create Date: 2026-12-06 05:40:00

A study keeps how its question's words move the acuity of its categories (`acuity_steps`, with
the cue that decided), so routing and the dry run apply the rule set's acuity of each category;
and the patient's location from the order (Current Patient Location), a fact that outranks text.
Each rule set version keeps its acuity table (`acuity`). A person's correction of a series' or a study's classification is kept beside the machine's
answer (`correction`), with its reason, who and when.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0008_corrections"
down_revision: str | None = "0007_web_sign_in"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "studies", sa.Column("acuity_steps", sa.SmallInteger(), server_default="0", nullable=False)
    )
    op.add_column("studies", sa.Column("acuity_cue", sa.Text(), nullable=True))
    op.add_column("studies", sa.Column("patient_location", sa.String(length=64), nullable=True))
    op.add_column("studies", sa.Column("correction", postgresql.JSONB(), nullable=True))
    op.add_column("series", sa.Column("correction", postgresql.JSONB(), nullable=True))
    op.add_column("rule_set_versions", sa.Column("acuity", postgresql.JSONB(), nullable=True))


def downgrade() -> None:
    op.drop_column("rule_set_versions", "acuity")
    op.drop_column("series", "correction")
    op.drop_column("studies", "correction")
    op.drop_column("studies", "patient_location")
    op.drop_column("studies", "acuity_cue")
    op.drop_column("studies", "acuity_steps")
