"""What an order sets off: stored, met with its study, the study routed or its tasks cancelled."""

from sqlalchemy.orm import Session

from app.orders import service as orders
from app.orders.records import OrderStatus, ReceivedOrder
from app.orders.repository import orders_of_studies
from app.orders.service import StoredOrder
from app.principal import Principal
from app.settings import Settings
from app.studies.models import Study
from app.tasks import repository as tasks
from app.tasks.service import cancel
from app.workflow.amendments import locked_study, settle_amended_study


def receive_order(
    session: Session, principal: Principal, settings: Settings, received: ReceivedOrder
) -> StoredOrder:
    """Store the order; if its study is here, give the study the order's facts or cancel its tasks.

    A study not yet stable only takes the facts: its stability routes it with them. A stable one
    nobody has taken is routed again; one being read keeps its reader and gets the new priority.
    """
    stored = orders.store_order(session, received)
    order = stored.order
    study = orders.link_study(session, order)
    if study is None:
        return stored
    if order.status == OrderStatus.CANCELLED.value:
        cancel_open_tasks(session, principal, study, f"order cancelled ({order.last_control})")
    else:
        study = locked_study(session, study.study_instance_uid)
        given = orders.put_orders_on_study(study, orders_of_studies(session, [study.id]))
        settle_amended_study(session, principal, settings, study, given)
    return stored


def cancel_open_tasks(session: Session, principal: Principal, study: Study, reason: str) -> None:
    """Cancel every open task of the study; each cancel is in the task's history and audited."""
    for task in tasks.open_tasks_of_study(session, study.id):
        cancel(session, principal, task.id, None, reason)
