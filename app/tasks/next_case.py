"""Handing out work: "next case" for a radiologist, and taking back leases that lapsed."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from app.auth.principal import Principal
from app.settings import Settings
from app.tasks import repository
from app.tasks.models import ReadingTask
from app.tasks.service import Change, change_records, facts_of, reading_started, return_to_queue
from app.tasks.state_machine import Action, next_state
from app.vocabulary import TaskState

LEASE_ACTOR = Principal.system("lease-expiry")
LAPSED_PER_RUN = 500
NEXT = {"next": True}  # in the claim's history: the task came from "next case"


def claim_next(session: Session, principal: Principal, settings: Settings) -> ReadingTask | None:
    """Claim the most urgent task this radiologist may read: theirs first, then their pools'.

    One statement finds and locks the task, claims it and writes its history and audit rows: a
    request that waits for the database also waits to get the interpreter back, once per trip.
    """
    reader = principal.radiologist_id
    assert reader is not None  # the access table admits radiologists only
    skipped_after = datetime.now(UTC) - timedelta(seconds=settings.skip_cooldown)
    # finish()'s new state and version, here in SQL: the task is only known inside the statement
    moved = {"state": TaskState.IN_PROGRESS.value, "version": ReadingTask.version + 1}
    started = reading_started(reader, settings.task_lease)
    claimed = repository.claim_most_urgent(reader, skipped_after, started | moved)
    change = Change(
        claimed.c.id, Action.CLAIM.value, claimed.c.claimed_from_state, claimed.c.state, NEXT
    )
    statement = select(aliased(ReadingTask, claimed)).add_cte(
        *change_records(principal, change, claimed)
    )
    return session.scalars(statement.execution_options(populate_existing=True)).one_or_none()


def release_lapsed_leases(session: Session, settings: Settings) -> int:
    """Background job: a claim whose lease ran out goes back to where it was claimed from."""
    lapsed = repository.lapsed_leases(session, datetime.now(UTC), LAPSED_PER_RUN)
    for task in lapsed:
        target = next_state(Action.RELEASE, facts_of(session, task))
        details = {"reason": "lease expired", "reader": task.assignee_id}
        return_to_queue(session, LEASE_ACTOR, task, Action.RELEASE, target, details)
    return len(lapsed)
