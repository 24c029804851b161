"""The change feed: what moved since a cursor, so clients need not re-read whole lists."""

from typing import Annotated

from fastapi import APIRouter, Query

from app.api.deps import CurrentUser, SessionDep
from app.audit.events import AuditAction
from app.audit.service import record
from app.second_opinions.schemas import RequestChange
from app.tasks import change_feed, worklist
from app.tasks.change_feed import FeedPosition
from app.tasks.schemas import Changes, TaskItem
from app.vocabulary import Role

router = APIRouter(prefix="/api/v1", tags=["tasks"])


@router.get("/changes", summary="Follow task changes with a cursor")
def read_changes(
    user: CurrentUser,
    session: SessionDep,
    since: Annotated[str, Query(description="the `cursor` of the previous answer")] = "0",
    limit: Annotated[int, Query(ge=1, le=1000)] = 500,
) -> Changes:
    """Tasks changed after `since`, in commit-safe order, and the cursor to pass next time.

    Start with `since=0` and pass each answer's `cursor` back: a change committed late is never
    skipped. A radiologist sees their own tasks and their pools'; an admin or integration
    client also sees each status change of a second-opinion request. Changes nothing but the
    audit trail; `422` for a cursor this feed did not hand out.
    """
    where = worklist.WorklistFilter(
        visible_to_radiologist=user.radiologist_id if user.role is Role.RADIOLOGIST else None
    )
    with_requests = user.role in (Role.ADMIN, Role.INTEGRATION)
    page = change_feed.changed_since(
        session, where, FeedPosition.parse(since), limit, with_requests
    )
    if page.tasks or page.requests:
        record(
            session, user, AuditAction.QUERY, object_type="task_changes", details={"since": since}
        )
    return Changes(
        items=[TaskItem.from_row(row) for row in page.tasks],
        second_opinion_requests=[RequestChange.model_validate(r) for r in page.requests],
        cursor=str(page.cursor),
    )
