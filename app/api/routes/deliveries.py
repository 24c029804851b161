"""Messages sent out (HL7 reports): what waits, what was accepted, what was rejected and why."""

from typing import Annotated

from fastapi import APIRouter, Query

from app.api.deps import CurrentUser, SessionDep
from app.deliveries import repository
from app.deliveries.models import DeliveryState
from app.deliveries.schemas import DeliveryList, DeliveryView
from app.row_ids import RowId

router = APIRouter(prefix="/api/v1/deliveries", tags=["deliveries"])


@router.get("", summary="List messages sent out")
def list_deliveries(
    user: CurrentUser,
    session: SessionDep,
    state: DeliveryState | None = None,
    task_id: RowId | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> DeliveryList:
    """ORU^R01 reports queued for each HL7 destination, newest first: waiting, accepted, or
    rejected (`state=REJECTED`: the destination answered AE or AR, with why). Changes nothing."""
    rows = repository.recent(session, state.value if state else None, task_id, limit)
    return DeliveryList(items=[DeliveryView.model_validate(row) for row in rows])
