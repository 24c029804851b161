"""Every query on rule set versions."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from app.rules.models import RuleSetVersion


def latest_number(session: Session) -> int | None:
    number: int | None = session.scalar(select(func.max(RuleSetVersion.version)))
    return number


def latest(session: Session) -> RuleSetVersion | None:
    query = select(RuleSetVersion).order_by(RuleSetVersion.version.desc()).limit(1)
    return session.scalars(query).first()


_LATEST_KEY = (
    select(RuleSetVersion.version, RuleSetVersion.created_at)
    .order_by(RuleSetVersion.version.desc())
    .limit(1)
)


def latest_key(session: Session) -> tuple[int, datetime] | None:
    """(version, created_at) of the newest version: enough to tell a cached copy is current."""
    row = session.execute(_LATEST_KEY).first()
    return None if row is None else (row.version, row.created_at)


def get(session: Session, version: int) -> RuleSetVersion | None:
    return session.get(RuleSetVersion, version)


def list_all(session: Session) -> Sequence[RuleSetVersion]:
    return session.scalars(select(RuleSetVersion).order_by(RuleSetVersion.version.desc())).all()


def add_first(session: Session, rule_set: dict[str, Any], author: str, comment: str) -> None:
    """Insert version 1 unless another transaction already has."""
    session.execute(
        insert(RuleSetVersion)
        .values(
            version=1,
            rules=rule_set["rules"],
            acuity=rule_set.get("acuity"),
            author=author,
            comment=comment,
        )
        .on_conflict_do_nothing(index_elements=[RuleSetVersion.version])
    )


def lock_versions(session: Session) -> None:
    """Queue behind any other save until this transaction ends: one save at a time decides
    which version is current and what the next number is."""
    session.execute(text("SELECT pg_advisory_xact_lock(hashtext('rule_set_versions'))"))


def add_next(
    session: Session, rule_set: dict[str, Any], author: str, comment: str
) -> RuleSetVersion:
    """Insert the next version; the caller holds `lock_versions`."""
    version = RuleSetVersion(
        version=(latest_number(session) or 0) + 1,
        rules=rule_set["rules"],
        acuity=rule_set.get("acuity"),
        author=author,
        comment=comment,
    )
    session.add(version)
    session.flush()
    return version
