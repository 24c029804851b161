"""Orders from the RIS or EHR: those still waiting for their study, and one by accession."""

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query

from app.api.deps import CurrentUser, SessionDep, SettingsDep
from app.audit.events import AuditAction
from app.audit.service import record
from app.errors import NotFound
from app.orders import repository
from app.orders.schemas import OrderList, OrderView

router = APIRouter(prefix="/api/v1/orders", tags=["orders"])


@router.get("/unmatched", summary="List orders still waiting for their study")
def unmatched_orders(
    user: CurrentUser,
    session: SessionDep,
    settings: SettingsDep,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> OrderList:
    """Active orders with no study after `WORKLIST_ORDER_EXPIRY`, oldest first; none is
    deleted. Audited as a query."""
    before = datetime.now(UTC) - settings.order_expiry
    orders = repository.unmatched_orders(session, before, limit)
    record(
        session, user, AuditAction.QUERY, object_type="orders", details={"returned": len(orders)}
    )
    return OrderList(items=[OrderView.model_validate(order) for order in orders])


# `path`: an accession number may hold a slash (`2026/00123`), sent percent-encoded as `%2F`,
# which reaches routing decoded.
@router.get("/{accession_number:path}", summary="Read an order by accession number")
def read_order(accession_number: str, user: CurrentUser, session: SessionDep) -> OrderView:
    """The order as the RIS or EHR last sent it, and the study it met; an accession number
    holding `/`, `#`, `?` or `%` is sent percent-encoded. Audited as a read of patient data;
    `404` for an unknown accession number."""
    order = repository.order_by_accession(session, accession_number)
    if order is None:
        raise NotFound(f"no order with accession number {accession_number}")
    record(session, user, AuditAction.PATIENT_RECORD, object_type="order", object_id=str(order.id))
    return OrderView.model_validate(order)
