"""first schema

Revision ID: 0001
Revises:
Create Date: 2026-11-24 09:07:52.749702
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(sa.schema.CreateSequence(sa.Sequence("reading_task_change_seq")))
    op.create_table(
        "audit_events",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column(
            "occurred_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=True),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("object_type", sa.String(length=32), nullable=True),
        sa.Column("object_id", sa.Text(), nullable=True),
        sa.Column("outcome", sa.String(length=16), server_default="SUCCESS", nullable=False),
        sa.Column("source_address", sa.String(length=64), nullable=True),
        sa.Column(
            "details", postgresql.JSONB(astext_type=sa.Text()), server_default="{}", nullable=False
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
    )
    op.create_index(op.f("ix_audit_events_action"), "audit_events", ["action"], unique=False)
    op.create_index(
        "ix_audit_events_object", "audit_events", ["object_type", "object_id"], unique=False
    )
    op.create_index(
        op.f("ix_audit_events_occurred_at"), "audit_events", ["occurred_at"], unique=False
    )
    op.create_table(
        "radiologists",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), server_default="true", nullable=False),
        sa.Column("on_duty", sa.Boolean(), server_default="false", nullable=False),
        sa.Column(
            "shift_windows",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default="[]",
            nullable=False,
        ),
        sa.Column("max_open_tasks", sa.Integer(), server_default="20", nullable=False),
        sa.Column("last_assigned_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "max_open_tasks >= 0", name=op.f("ck_radiologists_max_open_tasks_not_negative")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_radiologists")),
    )
    op.create_table(
        "rule_set_versions",
        sa.Column("version", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("rules", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("author", sa.Text(), nullable=False),
        sa.Column("comment", sa.Text(), server_default="", nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("version", name=op.f("pk_rule_set_versions")),
    )
    op.create_table(
        "studies",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("study_instance_uid", sa.String(length=64), nullable=False),
        sa.Column("patient_id", sa.String(length=64), nullable=True),
        sa.Column("patient_name", sa.Text(), nullable=True),
        sa.Column("patient_birth_date", sa.Date(), nullable=True),
        sa.Column("patient_sex", sa.String(length=16), nullable=True),
        sa.Column("accession_number", sa.String(length=64), nullable=True),
        sa.Column("study_date", sa.Date(), nullable=True),
        sa.Column("study_time", sa.Time(), nullable=True),
        sa.Column("study_description", sa.Text(), nullable=True),
        sa.Column(
            "modalities",
            postgresql.ARRAY(sa.String(length=16)),
            server_default="{}",
            nullable=False,
        ),
        sa.Column("body_part_examined", sa.String(length=64), nullable=True),
        sa.Column("institution_name", sa.Text(), nullable=True),
        sa.Column("referring_physician", sa.Text(), nullable=True),
        sa.Column("clinical_question", sa.Text(), nullable=True),
        sa.Column(
            "question_sources",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default="{}",
            nullable=False,
        ),
        sa.Column("requested_priority", sa.String(length=16), nullable=True),
        sa.Column("source_ae_title", sa.String(length=16), nullable=True),
        sa.Column("instance_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("first_received_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_received_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("stable_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("changed_after_stable_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("region", sa.String(length=32), nullable=True),
        sa.Column(
            "question_categories",
            postgresql.ARRAY(sa.String(length=48)),
            server_default="{}",
            nullable=False,
        ),
        sa.Column("urgency", sa.String(length=16), nullable=True),
        sa.Column(
            "classification_reasons",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default="[]",
            nullable=False,
        ),
        sa.Column("classified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_studies")),
        sa.UniqueConstraint("study_instance_uid", name=op.f("uq_studies_study_instance_uid")),
    )
    op.create_index(
        op.f("ix_studies_accession_number"), "studies", ["accession_number"], unique=False
    )
    op.create_index(
        "ix_studies_awaiting_stability",
        "studies",
        ["last_received_at"],
        unique=False,
        postgresql_where=sa.text("stable_at IS NULL"),
    )
    op.create_index(op.f("ix_studies_patient_id"), "studies", ["patient_id"], unique=False)
    op.create_index("ix_studies_stable_at", "studies", ["stable_at"], unique=False)
    op.create_table(
        "subspecialties",
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_subspecialties")),
    )
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("token_prefix", sa.String(length=16), nullable=False),
        sa.Column("radiologist_id", sa.BigInteger(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "role <> 'radiologist' OR radiologist_id IS NOT NULL",
            name=op.f("ck_api_tokens_radiologist_linked"),
        ),
        sa.CheckConstraint(
            "role IN ('admin', 'radiologist', 'integration')", name=op.f("ck_api_tokens_known_role")
        ),
        sa.ForeignKeyConstraint(
            ["radiologist_id"],
            ["radiologists.id"],
            name=op.f("fk_api_tokens_radiologist_id_radiologists"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_tokens_token_hash")),
    )
    op.create_table(
        "radiologist_credentials",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("radiologist_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('INSTITUTION', 'STATE')", name=op.f("ck_radiologist_credentials_known_kind")
        ),
        sa.ForeignKeyConstraint(
            ["radiologist_id"],
            ["radiologists.id"],
            name=op.f("fk_radiologist_credentials_radiologist_id_radiologists"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_radiologist_credentials")),
        sa.UniqueConstraint(
            "radiologist_id",
            "kind",
            "value",
            name=op.f("uq_radiologist_credentials_radiologist_id"),
        ),
    )
    op.create_table(
        "radiologist_subspecialties",
        sa.Column("radiologist_id", sa.BigInteger(), nullable=False),
        sa.Column("subspecialty_code", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["radiologist_id"],
            ["radiologists.id"],
            name=op.f("fk_radiologist_subspecialties_radiologist_id_radiologists"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["subspecialty_code"],
            ["subspecialties.code"],
            name=op.f("fk_radiologist_subspecialties_subspecialty_code_subspecialties"),
        ),
        sa.PrimaryKeyConstraint(
            "radiologist_id", "subspecialty_code", name=op.f("pk_radiologist_subspecialties")
        ),
    )
    op.create_index(
        op.f("ix_radiologist_subspecialties_subspecialty_code"),
        "radiologist_subspecialties",
        ["subspecialty_code"],
        unique=False,
    )
    op.create_table(
        "reading_tasks",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("study_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=16), server_default="PRIMARY", nullable=False),
        sa.Column("primary_task_id", sa.BigInteger(), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("subspecialty", sa.String(length=32), nullable=False),
        sa.Column("priority", sa.String(length=16), nullable=False),
        sa.Column("assignee_id", sa.BigInteger(), nullable=True),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("overdue", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("escalation_level", sa.Integer(), server_default="0", nullable=False),
        sa.Column("second_opinion_subspecialty", sa.String(length=32), nullable=True),
        sa.Column("rule_version", sa.Integer(), nullable=True),
        sa.Column(
            "route_reasons",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default="[]",
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column(
            "change_seq",
            sa.BigInteger(),
            server_default=sa.text("nextval('reading_task_change_seq')"),
            nullable=False,
        ),
        sa.Column("lease_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claimed_from_state", sa.String(length=16), nullable=True),
        sa.Column("radpeer", sa.String(length=4), nullable=True),
        sa.Column("radpeer_comment", sa.Text(), nullable=True),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finalized_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "kind IN ('PRIMARY', 'SECOND_OPINION')", name=op.f("ck_reading_tasks_known_kind")
        ),
        sa.CheckConstraint(
            "priority IN ('STAT', 'URGENT', 'ROUTINE')",
            name=op.f("ck_reading_tasks_known_priority"),
        ),
        sa.CheckConstraint(
            "radpeer IS NULL OR radpeer IN ('1', '2a', '2b', '3a', '3b')",
            name=op.f("ck_reading_tasks_known_radpeer"),
        ),
        sa.CheckConstraint(
            "state IN ('UNASSIGNED', 'ASSIGNED', 'IN_PROGRESS', 'PRELIMINARY', 'FINAL', 'ADDENDED', 'CANCELLED')",
            name=op.f("ck_reading_tasks_known_state"),
        ),
        sa.ForeignKeyConstraint(
            ["assignee_id"],
            ["radiologists.id"],
            name=op.f("fk_reading_tasks_assignee_id_radiologists"),
        ),
        sa.ForeignKeyConstraint(
            ["primary_task_id"],
            ["reading_tasks.id"],
            name=op.f("fk_reading_tasks_primary_task_id_reading_tasks"),
        ),
        sa.ForeignKeyConstraint(
            ["rule_version"],
            ["rule_set_versions.version"],
            name=op.f("fk_reading_tasks_rule_version_rule_set_versions"),
        ),
        sa.ForeignKeyConstraint(
            ["study_id"], ["studies.id"], name=op.f("fk_reading_tasks_study_id_studies")
        ),
        sa.ForeignKeyConstraint(
            ["second_opinion_subspecialty"],
            ["subspecialties.code"],
            name=op.f("fk_reading_tasks_second_opinion_subspecialty_subspecialties"),
        ),
        sa.ForeignKeyConstraint(
            ["subspecialty"],
            ["subspecialties.code"],
            name=op.f("fk_reading_tasks_subspecialty_subspecialties"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reading_tasks")),
    )
    op.create_index(
        "ix_reading_tasks_assignee_state", "reading_tasks", ["assignee_id", "state"], unique=False
    )
    op.create_index("ix_reading_tasks_change_seq", "reading_tasks", ["change_seq"], unique=True)
    op.create_index(
        "ix_reading_tasks_lease_expires_at",
        "reading_tasks",
        ["lease_expires_at"],
        unique=False,
        postgresql_where="lease_expires_at IS NOT NULL",
    )
    op.create_index(
        "ix_reading_tasks_pool_queue",
        "reading_tasks",
        ["state", "subspecialty", "priority", "due_at"],
        unique=False,
    )
    op.create_index(op.f("ix_reading_tasks_study_id"), "reading_tasks", ["study_id"], unique=False)
    op.create_table(
        "series",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("study_id", sa.BigInteger(), nullable=False),
        sa.Column("series_instance_uid", sa.String(length=64), nullable=False),
        sa.Column("modality", sa.String(length=16), nullable=True),
        sa.Column("series_number", sa.Integer(), nullable=True),
        sa.Column("series_description", sa.Text(), nullable=True),
        sa.Column("protocol_name", sa.Text(), nullable=True),
        sa.Column("body_part_examined", sa.String(length=64), nullable=True),
        sa.Column(
            "header", postgresql.JSONB(astext_type=sa.Text()), server_default="{}", nullable=False
        ),
        sa.Column("instance_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("sequence", sa.String(length=32), nullable=True),
        sa.Column("plane", sa.String(length=16), nullable=True),
        sa.Column("fat_sat", sa.Boolean(), nullable=True),
        sa.Column("contrast", sa.Boolean(), nullable=True),
        sa.Column(
            "classification_reasons",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default="[]",
            nullable=False,
        ),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["study_id"],
            ["studies.id"],
            name=op.f("fk_series_study_id_studies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_series")),
        sa.UniqueConstraint("series_instance_uid", name=op.f("uq_series_series_instance_uid")),
    )
    op.create_index(op.f("ix_series_study_id"), "series", ["study_id"], unique=False)
    op.create_table(
        "instances",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("study_id", sa.BigInteger(), nullable=False),
        sa.Column("series_id", sa.BigInteger(), nullable=False),
        sa.Column("sop_instance_uid", sa.String(length=64), nullable=False),
        sa.Column("sop_class_uid", sa.String(length=64), nullable=False),
        sa.Column("transfer_syntax_uid", sa.String(length=64), nullable=False),
        sa.Column("instance_number", sa.Integer(), nullable=True),
        sa.Column("storage_path", sa.Text(), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("source_ae_title", sa.String(length=16), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["series_id"],
            ["series.id"],
            name=op.f("fk_instances_series_id_series"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["study_id"],
            ["studies.id"],
            name=op.f("fk_instances_study_id_studies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_instances")),
        sa.UniqueConstraint("sop_instance_uid", name=op.f("uq_instances_sop_instance_uid")),
    )
    op.create_index(op.f("ix_instances_series_id"), "instances", ["series_id"], unique=False)
    op.create_index(op.f("ix_instances_study_id"), "instances", ["study_id"], unique=False)
    op.create_table(
        "task_events",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("task_id", sa.BigInteger(), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("from_state", sa.String(length=16), nullable=True),
        sa.Column("to_state", sa.String(length=16), nullable=False),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column(
            "details", postgresql.JSONB(astext_type=sa.Text()), server_default="{}", nullable=False
        ),
        sa.Column(
            "occurred_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["task_id"], ["reading_tasks.id"], name=op.f("fk_task_events_task_id_reading_tasks")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task_events")),
    )
    op.create_index(op.f("ix_task_events_task_id"), "task_events", ["task_id"], unique=False)
    op.create_table(
        "task_reports",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("task_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("findings", sa.Text(), server_default="", nullable=False),
        sa.Column("impression", sa.Text(), server_default="", nullable=False),
        sa.Column("critical", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("author_id", sa.BigInteger(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "kind IN ('PRELIMINARY', 'FINAL', 'ADDENDUM')", name=op.f("ck_task_reports_known_kind")
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["radiologists.id"], name=op.f("fk_task_reports_author_id_radiologists")
        ),
        sa.ForeignKeyConstraint(
            ["task_id"], ["reading_tasks.id"], name=op.f("fk_task_reports_task_id_reading_tasks")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task_reports")),
    )
    op.create_index(op.f("ix_task_reports_task_id"), "task_reports", ["task_id"], unique=False)
    op.create_table(
        "task_skips",
        sa.Column("task_id", sa.BigInteger(), nullable=False),
        sa.Column("radiologist_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "skipped_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["radiologist_id"],
            ["radiologists.id"],
            name=op.f("fk_task_skips_radiologist_id_radiologists"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["task_id"],
            ["reading_tasks.id"],
            name=op.f("fk_task_skips_task_id_reading_tasks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("task_id", "radiologist_id", name=op.f("pk_task_skips")),
    )
    _seed_subspecialties()
    op.execute(_TASK_CHANGE_TRIGGER)
    op.execute(_AUDIT_APPEND_ONLY_TRIGGER)


def downgrade() -> None:
    op.execute("DROP TRIGGER audit_events_append_only ON audit_events")
    op.execute("DROP FUNCTION audit_events_refuse_change()")
    op.execute("DROP TRIGGER reading_tasks_mark_change ON reading_tasks")
    op.execute("DROP FUNCTION reading_tasks_mark_change()")
    op.drop_table("task_skips")
    op.drop_index(op.f("ix_task_reports_task_id"), table_name="task_reports")
    op.drop_table("task_reports")
    op.drop_index(op.f("ix_task_events_task_id"), table_name="task_events")
    op.drop_table("task_events")
    op.drop_index(op.f("ix_instances_study_id"), table_name="instances")
    op.drop_index(op.f("ix_instances_series_id"), table_name="instances")
    op.drop_table("instances")
    op.drop_index(op.f("ix_series_study_id"), table_name="series")
    op.drop_table("series")
    op.drop_index(op.f("ix_reading_tasks_study_id"), table_name="reading_tasks")
    op.drop_index("ix_reading_tasks_pool_queue", table_name="reading_tasks")
    op.drop_index(
        "ix_reading_tasks_lease_expires_at",
        table_name="reading_tasks",
        postgresql_where="lease_expires_at IS NOT NULL",
    )
    op.drop_index("ix_reading_tasks_change_seq", table_name="reading_tasks")
    op.drop_index("ix_reading_tasks_assignee_state", table_name="reading_tasks")
    op.drop_table("reading_tasks")
    op.drop_index(
        op.f("ix_radiologist_subspecialties_subspecialty_code"),
        table_name="radiologist_subspecialties",
    )
    op.drop_table("radiologist_subspecialties")
    op.drop_table("radiologist_credentials")
    op.drop_table("api_tokens")
    op.drop_table("subspecialties")
    op.drop_index("ix_studies_stable_at", table_name="studies")
    op.drop_index(op.f("ix_studies_patient_id"), table_name="studies")
    op.drop_index(
        "ix_studies_awaiting_stability",
        table_name="studies",
        postgresql_where=sa.text("stable_at IS NULL"),
    )
    op.drop_index(op.f("ix_studies_accession_number"), table_name="studies")
    op.drop_table("studies")
    op.drop_table("rule_set_versions")
    op.drop_table("radiologists")
    op.drop_index(op.f("ix_audit_events_occurred_at"), table_name="audit_events")
    op.drop_index("ix_audit_events_object", table_name="audit_events")
    op.drop_index(op.f("ix_audit_events_action"), table_name="audit_events")
    op.drop_table("audit_events")
    op.execute(sa.schema.DropSequence(sa.Sequence("reading_task_change_seq")))


# Frozen here rather than imported, so this migration means the same thing forever.
_SEEDED_SUBSPECIALTIES = {
    "NEURO": "Neuroradiology",
    "MSK": "Musculoskeletal",
    "BODY": "Body (abdomen and pelvis)",
    "CHEST": "Chest and cardiac",
    "BREAST": "Breast",
    "GENERAL": "General radiology",
}


def _seed_subspecialties() -> None:
    table = sa.table("subspecialties", sa.column("code", sa.String), sa.column("name", sa.Text))
    op.bulk_insert(table, [{"code": c, "name": n} for c, n in _SEEDED_SUBSPECIALTIES.items()])


# Every change to a task takes a new change number, so the change feed cannot miss one.
_TASK_CHANGE_TRIGGER = """
CREATE FUNCTION reading_tasks_mark_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.change_seq := nextval('reading_task_change_seq');
    NEW.updated_at := now();
    RETURN NEW;
END $$;
CREATE TRIGGER reading_tasks_mark_change BEFORE UPDATE ON reading_tasks
    FOR EACH ROW EXECUTE FUNCTION reading_tasks_mark_change();
"""

# The audit trail is evidence: no role, the application's included, may rewrite it.
_AUDIT_APPEND_ONLY_TRIGGER = """
CREATE FUNCTION audit_events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_refuse_change();
"""
