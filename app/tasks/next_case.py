"""Handing out work: "next case" for a radiologist, and taking back leases that lapsed."""

from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from app.auth.principal import Principal
from app.settings import Settings
from app.tasks import repository
from app.tasks.models import ReadingTask
from app.tasks.service import facts_of, finish, return_to_queue, start_reading
from app.tasks.state_machine import Action, next_state
from app.vocabulary import Priority, TaskState

LEASE_ACTOR = Principal.system("lease-expiry")
LAPSED_PER_RUN = 500


def claim_next(session: Session, principal: Principal, settings: Settings) -> ReadingTask | None:
    """Claim the most urgent task this radiologist may read: theirs first, then their pools'.

    Each candidate query locks one row with SKIP LOCKED, so concurrent callers never get the
    same task and never wait on each other.
    """
    reader = principal.radiologist_id
    assert reader is not None  # the access table admits radiologists only
    skipped_after = datetime.now(UTC) - timedelta(seconds=settings.skip_cooldown)
    task = repository.next_assigned_to(session, reader, skipped_after)
    for priority in Priority:
        if task is not None:
            break
        task = repository.next_in_pools(session, reader, priority, skipped_after)
    if task is None:
        return None
    start_reading(task, reader, settings.task_lease)
    return finish(session, principal, task, Action.CLAIM, TaskState.IN_PROGRESS, {"next": True})


def release_lapsed_leases(session: Session, settings: Settings) -> int:
    """Background job: a claim whose lease ran out goes back to where it was claimed from."""
    lapsed = repository.lapsed_leases(session, datetime.now(UTC), LAPSED_PER_RUN)
    for task in lapsed:
        target = next_state(Action.RELEASE, facts_of(session, task))
        details = {"reason": "lease expired", "reader": task.assignee_id}
        return_to_queue(session, LEASE_ACTOR, task, Action.RELEASE, target, details)
    return len(lapsed)
