"""orders in, reports out

Revision ID: 0009_orders
Revises: 0008_corrections
Create Date: 2026-12-06 06:00:00

Orders from the RIS or EHR (HL7 v2, FHIR) wait for their study, or the study for them; the HL7
messages already acknowledged, so a message sent again has no second effect; and the outbox of
messages (ORU^R01 reports) written with the report and sent by the worker.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0009_orders"
down_revision: str | None = "0008_corrections"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "orders",
        sa.Column("id", sa.BigInteger(), sa.Identity(), nullable=False),
        sa.Column("accession_number", sa.String(64), nullable=False),
        sa.Column("placer_number", sa.String(64), nullable=True),
        sa.Column("filler_number", sa.String(64), nullable=True),
        sa.Column("study_instance_uid", sa.String(64), nullable=True),
        sa.Column("patient_id", sa.String(64), nullable=True),
        sa.Column("patient_name", sa.Text(), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("last_control", sa.String(2), nullable=False),
        sa.Column("priority", sa.String(16), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("reason_codes", postgresql.ARRAY(sa.Text()), server_default="{}", nullable=False),
        sa.Column("ordering_physician", sa.Text(), nullable=True),
        sa.Column("patient_class", sa.String(16), nullable=True),
        sa.Column("patient_location", sa.Text(), nullable=True),
        sa.Column("requested_procedure", sa.Text(), nullable=True),
        sa.Column("scheduled_at", _TZ, nullable=True),
        sa.Column("order_status", sa.String(16), nullable=True),
        sa.Column("source", sa.String(8), nullable=False),
        sa.Column("study_id", sa.BigInteger(), nullable=True),
        sa.Column("matched_at", _TZ, nullable=True),
        sa.Column("created_at", _TZ, server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", _TZ, server_default=sa.func.now(), nullable=False),
        sa.CheckConstraint(
            "status IN ('ACTIVE', 'CANCELLED')", name=op.f("ck_orders_known_status")
        ),
        sa.ForeignKeyConstraint(
            ["study_id"], ["studies.id"], name=op.f("fk_orders_study_id_studies")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_orders")),
        sa.UniqueConstraint("accession_number", name=op.f("uq_orders_accession_number")),
    )
    op.create_index(op.f("ix_orders_study_id"), "orders", ["study_id"])
    op.create_index(op.f("ix_orders_study_instance_uid"), "orders", ["study_instance_uid"])
    op.create_index(
        "ix_orders_waiting", "orders", ["created_at"], postgresql_where="study_id IS NULL"
    )
    op.create_table(
        "hl7_received_messages",
        sa.Column("sender", sa.Text(), nullable=False),
        sa.Column("control_id", sa.String(199), nullable=False),
        sa.Column("message_type", sa.String(16), nullable=False),
        sa.Column("ack_code", sa.String(2), nullable=False),
        sa.Column("ack_text", sa.Text(), nullable=True),
        sa.Column("received_at", _TZ, nullable=False),
        sa.PrimaryKeyConstraint("sender", "control_id", name=op.f("pk_hl7_received_messages")),
    )
    op.create_table(
        "outbox_messages",
        sa.Column("id", sa.BigInteger(), sa.Identity(), nullable=False),
        sa.Column("destination", sa.Text(), nullable=False),
        sa.Column("message_type", sa.String(16), nullable=False),
        sa.Column("task_id", sa.BigInteger(), nullable=True),
        sa.Column("report_id", sa.BigInteger(), nullable=True),
        sa.Column("control_id", sa.String(64), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("state", sa.String(16), server_default="PENDING", nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("next_attempt_at", _TZ, server_default=sa.func.now(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("ack_code", sa.String(2), nullable=True),
        sa.Column("created_at", _TZ, server_default=sa.func.now(), nullable=False),
        sa.Column("sent_at", _TZ, nullable=True),
        sa.CheckConstraint(
            "state IN ('PENDING', 'SENT', 'REJECTED')", name=op.f("ck_outbox_messages_known_state")
        ),
        sa.ForeignKeyConstraint(
            ["task_id"], ["reading_tasks.id"], name=op.f("fk_outbox_messages_task_id_reading_tasks")
        ),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["task_reports.id"],
            name=op.f("fk_outbox_messages_report_id_task_reports"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_messages")),
    )
    op.create_index(op.f("ix_outbox_messages_task_id"), "outbox_messages", ["task_id"])
    op.create_index(
        "ix_outbox_messages_pending",
        "outbox_messages",
        ["destination", "id"],
        postgresql_where="state = 'PENDING'",
    )


def downgrade() -> None:
    op.drop_table("outbox_messages")
    op.drop_table("hl7_received_messages")
    op.drop_table("orders")
