"""A person's corrections of how a series or a study was classified.

Each is kept beside the machine's answer (`correction` with the reason, who and when), audited,
shown wherever the classification is shown, and used whenever the study is routed again.
"""

from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from app.audit.events import AuditAction
from app.audit.service import record
from app.errors import Invalid, NotFound
from app.principal import Principal
from app.settings import Settings
from app.studies.models import Series, Study
from app.tasks import repository as tasks
from app.workflow.on_stable import route_again_unless_claimed

Corrected = TypeVar("Corrected", Series, Study)


def correct_series(
    session: Session,
    principal: Principal,
    settings: Settings,
    series_instance_uid: str,
    changes: dict[str, Any],
) -> Series:
    """Keep a correction of sequence, plane or fat suppression; route a waiting study again."""
    query = select(Series).where(Series.series_instance_uid == series_instance_uid)
    return _correct(session, principal, settings, query, ("series", series_instance_uid), changes)


def correct_study(
    session: Session,
    principal: Principal,
    settings: Settings,
    study_instance_uid: str,
    changes: dict[str, Any],
) -> Study:
    """Keep a correction of region, categories or urgency; route a waiting study again."""
    query = select(Study).where(Study.study_instance_uid == study_instance_uid)
    return _correct(session, principal, settings, query, ("study", study_instance_uid), changes)


def _correct(
    session: Session,
    principal: Principal,
    settings: Settings,
    query: Select[Corrected],
    corrected: tuple[str, str],
    changes: dict[str, Any],
) -> Corrected:
    kind, uid = corrected
    row = session.scalars(query.with_for_update()).one_or_none()
    if row is None:
        raise NotFound(f"no {kind} {uid}")
    row.correction = _kept(row.correction, changes, principal)
    _audit_and_route(session, principal, settings, corrected, changes)
    return row


def _kept(
    earlier: dict[str, Any] | None, changes: dict[str, Any], principal: Principal
) -> dict[str, Any]:
    corrected = {name: value for name, value in changes.items() if name != "reason"}
    if not corrected:
        raise Invalid("a correction names at least one value to correct besides its reason")
    return {
        **(earlier or {}),
        **corrected,
        "reason": changes["reason"],
        "corrected_by": principal.name,
        "corrected_at": datetime.now(UTC).isoformat(),
    }


def _audit_and_route(
    session: Session,
    principal: Principal,
    settings: Settings,
    corrected: tuple[str, str],
    changes: dict[str, Any],
) -> None:
    """Audit the correction; a stable study nobody has claimed is routed again with it."""
    kind, uid = corrected
    record(
        session,
        principal,
        AuditAction.PROCEDURE_RECORD,
        object_type=kind,
        object_id=uid,
        details={"corrected": changes},
    )
    session.flush()
    study = session.scalars(_study_of(kind, uid)).one()
    route_again_unless_claimed(session, study, settings)
    tasks.touch_tasks_of_study(session, study.id)


def _study_of(kind: str, uid: str) -> Any:
    if kind == "study":
        return select(Study).where(Study.study_instance_uid == uid)
    return (
        select(Study)
        .join(Series, Series.study_id == Study.id)
        .where(Series.series_instance_uid == uid)
    )
