"""the issuer of outside patient ids, and patients linked by an admin

Revision ID: 0012_patient_issuer
Revises: 0011_scale_indexes
Create Date: 2026-12-06 09:00:00

A study from outside (DICOMweb, uploads, a DICOM sender named as outside) keeps the issuer of
its patient id, so an outside patient "12345" never meets a local patient "12345"; local studies
have none. Priors are matched within one issuer, and across issuers only where an admin linked
the two patients.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012_patient_issuer"
down_revision: str | None = "0011_scale_indexes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("studies", sa.Column("patient_issuer", sa.String(64), nullable=True))
    op.create_table(
        "patient_links",
        sa.Column("id", sa.BigInteger(), sa.Identity(), nullable=False),
        sa.Column("patient_id", sa.String(64), nullable=False),
        sa.Column("patient_issuer", sa.String(64), nullable=True),
        sa.Column("linked_patient_id", sa.String(64), nullable=False),
        sa.Column("linked_patient_issuer", sa.String(64), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("linked_by", sa.Text(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_patient_links")),
    )
    op.create_index(op.f("ix_patient_links_patient_id"), "patient_links", ["patient_id"])
    op.create_index(
        op.f("ix_patient_links_linked_patient_id"), "patient_links", ["linked_patient_id"]
    )


def downgrade() -> None:
    op.drop_table("patient_links")
    op.drop_column("studies", "patient_issuer")
