"""Reading tasks, their transition history, reports and skipped offers."""

from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Identity,
    Index,
    Sequence,
    String,
    Text,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, Timestamps, check_in
from app.vocabulary import Priority, Radpeer, ReportKind, TaskKind, TaskState, values

# Every insert or update of a task takes the next value, so clients can ask "what changed since N".
task_change_seq = Sequence("reading_task_change_seq", metadata=Base.metadata)


class ReadingTask(Timestamps, Base):
    __tablename__ = "reading_tasks"
    __table_args__ = (
        CheckConstraint(check_in("state", values(TaskState)), name="known_state"),
        CheckConstraint(check_in("priority", values(Priority)), name="known_priority"),
        CheckConstraint(check_in("kind", values(TaskKind)), name="known_kind"),
        CheckConstraint(
            f"radpeer IS NULL OR {check_in('radpeer', values(Radpeer))}", name="known_radpeer"
        ),
        Index("ix_reading_tasks_pool_queue", "state", "subspecialty", "priority", "due_at"),
        Index("ix_reading_tasks_assignee_state", "assignee_id", "state"),
        Index("ix_reading_tasks_change_seq", "change_seq", unique=True),
        Index("ix_reading_tasks_change_xid", "change_xid", "change_seq", unique=True),
        Index(
            "ix_reading_tasks_lease_expires_at",
            "lease_expires_at",
            postgresql_where="lease_expires_at IS NOT NULL",
        ),
        # Finished reads pile up for ever: windows over them, and each reader's newest, must not
        # read them all (migration 0010).
        Index(
            "ix_reading_tasks_finalized_at",
            "finalized_at",
            postgresql_where="finalized_at IS NOT NULL",
        ),
        Index(
            "ix_reading_tasks_assignee_finalized",
            "assignee_id",
            "finalized_at",
            postgresql_where="finalized_at IS NOT NULL",
        ),
        Index("ix_reading_tasks_unfinished", "priority", postgresql_where="finalized_at IS NULL"),
        Index(
            "ix_reading_tasks_primary_task_id",
            "primary_task_id",
            postgresql_where="primary_task_id IS NOT NULL",
        ),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    study_id: Mapped[int] = mapped_column(ForeignKey("studies.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16), server_default=TaskKind.PRIMARY.value)
    primary_task_id: Mapped[int | None] = mapped_column(ForeignKey("reading_tasks.id"))
    state: Mapped[str] = mapped_column(String(16))
    subspecialty: Mapped[str] = mapped_column(ForeignKey("subspecialties.code"))
    priority: Mapped[str] = mapped_column(String(16))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("radiologists.id"))
    due_at: Mapped[datetime]
    overdue: Mapped[bool] = mapped_column(server_default="false")
    escalation_level: Mapped[int] = mapped_column(server_default="0")
    # Set by a rule that wants an over-read: a second-opinion task follows once this one is final.
    second_opinion_subspecialty: Mapped[str | None] = mapped_column(
        ForeignKey("subspecialties.code")
    )
    rule_version: Mapped[int | None] = mapped_column(ForeignKey("rule_set_versions.version"))
    route_reasons: Mapped[list[str]] = mapped_column(JSONB, server_default="[]")
    version: Mapped[int] = mapped_column(server_default="1")
    change_seq: Mapped[int] = mapped_column(
        BigInteger, task_change_seq, server_default=task_change_seq.next_value()
    )
    # The transaction that made the last change: the change feeds follow transaction order, which
    # unlike `change_seq` order cannot be overtaken by a later commit (see migration 0003).
    change_xid: Mapped[int] = mapped_column(
        BigInteger, server_default=text("pg_current_xact_id()::text::bigint")
    )
    lease_expires_at: Mapped[datetime | None]
    claimed_from_state: Mapped[str | None] = mapped_column(String(16))
    radpeer: Mapped[str | None] = mapped_column(String(4))
    radpeer_comment: Mapped[str | None] = mapped_column(Text)
    assigned_at: Mapped[datetime | None]
    started_at: Mapped[datetime | None]
    finalized_at: Mapped[datetime | None]
    # How much reading this task is (by modality): open workload sums it, not a plain count.
    workload_weight: Mapped[float] = mapped_column(server_default="1.0")


class TaskEvent(Base):
    """One transition of one task: the history shown with a task."""

    __tablename__ = "task_events"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("reading_tasks.id"), index=True)
    action: Mapped[str] = mapped_column(String(32))
    from_state: Mapped[str | None] = mapped_column(String(16))
    to_state: Mapped[str] = mapped_column(String(16))
    actor: Mapped[str] = mapped_column(Text)
    details: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default="{}")
    occurred_at: Mapped[datetime] = mapped_column(server_default=func.now())


class TaskReport(Base):
    """Report text, appended per preliminary, final and addendum; never overwritten."""

    __tablename__ = "task_reports"
    __table_args__ = (CheckConstraint(check_in("kind", values(ReportKind)), name="known_kind"),)

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("reading_tasks.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    findings: Mapped[str] = mapped_column(Text, server_default="")
    impression: Mapped[str] = mapped_column(Text, server_default="")
    critical: Mapped[bool] = mapped_column(server_default="false")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("radiologists.id"))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())


class TaskSkip(Base):
    """A case a radiologist passed over; "next" does not offer it to them again for a while."""

    __tablename__ = "task_skips"

    task_id: Mapped[int] = mapped_column(
        ForeignKey("reading_tasks.id", ondelete="CASCADE"), primary_key=True
    )
    radiologist_id: Mapped[int] = mapped_column(
        ForeignKey("radiologists.id", ondelete="CASCADE"), primary_key=True
    )
    skipped_at: Mapped[datetime] = mapped_column(server_default=func.now())
