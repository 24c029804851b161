"""Why a task went to whom: every radiologist, eligible or not, with the reasons."""

from fastapi import APIRouter

from app.api.deps import CurrentUser, SessionDep, SettingsDep
from app.routing.assigner import explain
from app.routing.schemas import TaskEligibility

router = APIRouter(prefix="/api/v1/tasks", tags=["tasks"])


@router.get("/{task_id}/eligibility")
def task_eligibility(
    task_id: int, session: SessionDep, settings: SettingsDep, user: CurrentUser
) -> TaskEligibility:
    return explain(session, settings, task_id)
