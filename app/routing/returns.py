"""A task handed back to the queue is placed by the rules current now, not the ones it was
first routed by: unassigned by an admin, released by its reader, or its lease lapsed."""

from sqlalchemy.orm import Session

from app.principal import Principal
from app.routing.route import reroute_unclaimed
from app.settings import Settings
from app.tasks import next_case, service


def unassign(
    session: Session, principal: Principal, settings: Settings, task_id: int, version: int | None
) -> None:
    service.unassign(session, principal, task_id, version)
    reroute_unclaimed(session, settings, [task_id])


def release(
    session: Session, principal: Principal, settings: Settings, task_id: int, version: int | None
) -> None:
    service.release(session, principal, task_id, version)
    reroute_unclaimed(session, settings, [task_id])


def release_lapsed_leases(session: Session, settings: Settings) -> int:
    """Background job: claims whose lease ran out go back to the queue."""
    released = next_case.release_lapsed(session)
    reroute_unclaimed(session, settings, [task.id for task in released])
    return len(released)
