"""Handing out work: "next case" for a radiologist, and taking back leases that lapsed."""

from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import Row, Select
from sqlalchemy.orm import Session, aliased

from app.principal import Principal
from app.settings import Settings
from app.tasks import repository, worklist
from app.tasks.models import ReadingTask
from app.tasks.service import Change, change_records, facts_of, reading_started, return_to_queue
from app.tasks.state_machine import Action, next_state
from app.vocabulary import TaskState

LEASE_ACTOR = Principal.system("lease-expiry")
LAPSED_PER_RUN = 500
NEXT = {"next": True}  # in the claim's history: the task came from "next case"


def claim_next(session: Session, principal: Principal, settings: Settings) -> Row[Any] | None:
    """Claim the most urgent task this radiologist may read and return its worklist row.

    Theirs first, then their pools'. One statement finds and locks the task, claims it, writes
    its history and audit rows and reads the row back: a request that waits for the database
    also waits to get the interpreter back, once per round trip.
    """
    statement = _claim_statement(principal, settings.task_lease, settings.skip_cooldown)
    return session.execute(statement).one_or_none()


@lru_cache(maxsize=256)
def _claim_statement(principal: Principal, lease: float, cooldown: float) -> Select[Any]:
    """Built once per caller: building it takes longer than the database takes to run it."""
    reader = principal.radiologist_id
    assert reader is not None  # the access table admits radiologists only
    # finish()'s new state and version, here in SQL: the task is only known inside the statement
    moved = {"state": TaskState.IN_PROGRESS.value, "version": ReadingTask.version + 1}
    started = reading_started(reader, lease)
    claimed = repository.claim_most_urgent(reader, timedelta(seconds=cooldown), started | moved)
    change = Change(
        claimed.c.id, Action.CLAIM.value, claimed.c.claimed_from_state, claimed.c.state, NEXT
    )
    records = change_records(principal, change, claimed)
    return worklist.item_query(aliased(ReadingTask, claimed)).add_cte(*records)


def release_lapsed(session: Session) -> list[ReadingTask]:
    """Claims whose lease ran out, each back to where it was claimed from; the tasks released."""
    lapsed = repository.lapsed_leases(session, datetime.now(UTC), LAPSED_PER_RUN)
    for task in lapsed:
        target = next_state(Action.RELEASE, facts_of(session, task))
        details = {"reason": "lease expired", "reader": task.assignee_id}
        return_to_queue(session, LEASE_ACTOR, task, Action.RELEASE, target, details)
    return lapsed
