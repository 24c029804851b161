"""Order details a RIS or integration engine sets after the images arrived."""

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.audit.events import AuditAction
from app.audit.service import record
from app.errors import NotFound
from app.orders.service import forget_fact_before_orders
from app.principal import Principal
from app.settings import Settings
from app.studies.models import Study
from app.studies.queries import study_by_uid
from app.studies.questions import give_question
from app.tasks import repository as tasks
from app.tasks.service import reprioritize
from app.vocabulary import Priority
from app.workflow.on_stable import route_again_unless_claimed

AMENDMENT_SOURCE = "amendment"


@dataclass(frozen=True, slots=True)
class OrderDetails:
    clinical_question: str | None = None
    priority: Priority | None = None
    accession_number: str | None = None


def amend_study(
    session: Session,
    principal: Principal,
    settings: Settings,
    study_instance_uid: str,
    changes: OrderDetails,
) -> Study:
    """Store the new details, then settle what they change (`settle_amended_study`)."""
    study = locked_study(session, study_instance_uid)
    settle_amended_study(session, principal, settings, study, _apply(study, changes))
    return study


def locked_study(session: Session, study_instance_uid: str) -> Study:
    study = study_by_uid(session, study_instance_uid, for_update=True)
    if study is None:
        raise NotFound(f"no study {study_instance_uid}")
    return study


def settle_amended_study(
    session: Session,
    principal: Principal,
    settings: Settings,
    study: Study,
    changed: Collection[str],
) -> None:
    """The study's `changed` details, stored, are audited; a stable study is routed again while
    nobody has claimed its task, else its open tasks take a new requested priority."""
    record(
        session,
        principal,
        AuditAction.PATIENT_RECORD,
        object_type="study",
        object_id=study.study_instance_uid,
        details={"changed": sorted(changed)},
    )
    session.flush()
    routed_again = route_again_unless_claimed(session, study, settings)
    if not routed_again and "requested_priority" in changed and study.requested_priority:
        priority = Priority(study.requested_priority)
        for task in tasks.open_tasks_of_study(session, study.id):
            since = study.stable_at or task.created_at
            reprioritize(session, principal, settings, task, priority, since)
    tasks.touch_tasks_of_study(session, study.id)


def _apply(study: Study, changes: OrderDetails) -> list[str]:
    """Set the changes on the study, as the study's own (an order that later stops giving a
    question or a priority does not take these back); the names of the details changed."""
    changed: list[str] = []
    if changes.clinical_question is not None:
        give_question(study, changes.clinical_question, AMENDMENT_SOURCE)
        changed.append("clinical_question")
    if changes.accession_number is not None:
        study.accession_number = changes.accession_number
        changed.append("accession_number")
    if changes.priority is not None:
        study.requested_priority = changes.priority.value
        forget_fact_before_orders(study, "requested_priority")
        changed.append("requested_priority")
    return changed
