"""the patient class of a study's order

Revision ID: 0013_hl7_speed
Revises: 0012_patient_issuer
Create Date: 2026-12-06 08:40:00

A study keeps its order's patient class (HL7 PV1-2, FHIR encounter class: E emergency,
I inpatient, O outpatient), a fact of the order that feeds its urgency like its location.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013_hl7_speed"
down_revision: str | None = "0012_patient_issuer"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("studies", sa.Column("patient_class", sa.String(length=16), nullable=True))


def downgrade() -> None:
    op.drop_column("studies", "patient_class")
