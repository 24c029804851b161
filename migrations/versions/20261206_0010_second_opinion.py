"""second-opinion requests from outside

Revision ID: 0010_second_opinion
Revises: 0009_orders
Create Date: 2026-12-06 09:00:00

Requests for a second opinion on an outside study: the requester, the question, the service
level and the outside report; each waits for its study like an order, then follows its reading
task. Their changes share the task change stream (`reading_task_change_seq`, the transaction
id), so one change-feed cursor orders both. The outbox also carries webhooks, whose answer is an
HTTP status: its answer code widens to three characters.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_second_opinion"
down_revision: str | None = "0009_orders"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TZ = sa.DateTime(timezone=True)
_TABLE = "second_opinion_requests"


def upgrade() -> None:
    op.create_table(
        _TABLE,
        sa.Column("id", sa.BigInteger(), sa.Identity(), nullable=False),
        sa.Column("study_instance_uid", sa.String(64), nullable=False),
        sa.Column("study_id", sa.BigInteger(), nullable=True),
        sa.Column("task_id", sa.BigInteger(), nullable=True),
        sa.Column("status", sa.String(24), nullable=False),
        sa.Column("organisation", sa.Text(), nullable=False),
        sa.Column("contact_name", sa.Text(), nullable=False),
        sa.Column("contact_email", sa.Text(), nullable=False),
        sa.Column("clinical_question", sa.Text(), nullable=False),
        sa.Column("service_level", sa.String(8), nullable=False),
        sa.Column("outside_report", sa.Text(), nullable=True),
        sa.Column("subspecialty", sa.String(32), nullable=True),
        sa.Column("concordance", sa.String(24), nullable=True),
        sa.Column("requested_by", sa.Text(), nullable=False),
        sa.Column("received_at", _TZ, nullable=True),
        sa.Column("finalized_at", _TZ, nullable=True),
        sa.Column(
            "change_seq",
            sa.BigInteger(),
            server_default=sa.text("nextval('reading_task_change_seq')"),
            nullable=False,
        ),
        sa.Column(
            "change_xid",
            sa.BigInteger(),
            server_default=sa.text("pg_current_xact_id()::text::bigint"),
            nullable=False,
        ),
        sa.Column("created_at", _TZ, server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", _TZ, server_default=sa.func.now(), nullable=False),
        sa.CheckConstraint(
            "status IN ('waiting for images', 'received', 'in review', 'final')",
            name=op.f("ck_second_opinion_requests_known_status"),
        ),
        sa.CheckConstraint(
            "service_level IN ('24h', '48h', '72h')",
            name=op.f("ck_second_opinion_requests_known_level"),
        ),
        sa.CheckConstraint(
            "concordance IS NULL OR concordance IN "
            "('agree', 'minor discrepancy', 'major discrepancy')",
            name=op.f("ck_second_opinion_requests_known_concordance"),
        ),
        sa.ForeignKeyConstraint(
            ["study_id"], ["studies.id"], name=op.f("fk_second_opinion_requests_study_id_studies")
        ),
        sa.ForeignKeyConstraint(
            ["task_id"],
            ["reading_tasks.id"],
            name=op.f("fk_second_opinion_requests_task_id_reading_tasks"),
        ),
        sa.ForeignKeyConstraint(
            ["subspecialty"],
            ["subspecialties.code"],
            name=op.f("fk_second_opinion_requests_subspecialty_subspecialties"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_second_opinion_requests")),
        sa.UniqueConstraint("task_id", name=op.f("uq_second_opinion_requests_task_id")),
        sa.UniqueConstraint("change_seq", name=op.f("uq_second_opinion_requests_change_seq")),
    )
    for column in ("study_instance_uid", "study_id"):
        op.create_index(op.f(f"ix_{_TABLE}_{column}"), _TABLE, [column])
    op.create_index(
        "uq_second_opinion_requests_open_study",
        _TABLE,
        ["study_instance_uid"],
        unique=True,
        postgresql_where=sa.text("finalized_at IS NULL"),
    )
    op.alter_column("outbox_messages", "ack_code", type_=sa.String(3))


def downgrade() -> None:
    op.execute("UPDATE outbox_messages SET ack_code = left(ack_code, 2)")
    op.alter_column("outbox_messages", "ack_code", type_=sa.String(2))
    op.drop_table(_TABLE)
