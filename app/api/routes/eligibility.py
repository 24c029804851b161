"""Why a task went to whom: every radiologist, eligible or not, with the reasons."""

from fastapi import APIRouter

from app.api.deps import CurrentUser, SessionDep, SettingsDep
from app.routing.assigner import explain
from app.routing.schemas import TaskEligibility
from app.row_ids import RowId

router = APIRouter(prefix="/api/v1/tasks", tags=["tasks"])


@router.get("/{task_id}/eligibility", summary="Who could read this task, and why")
def task_eligibility(
    task_id: RowId, session: SessionDep, settings: SettingsDep, user: CurrentUser
) -> TaskEligibility:
    """Every radiologist, eligible or not with the reasons, and whom the engine would choose.

    Changes nothing; `404` for an unknown task.
    """
    return explain(session, settings, task_id)
