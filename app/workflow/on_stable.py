"""What studies' becoming stable sets off: the one hook classification and routing plug into.

The stability sweep calls `on_studies_stable` inside the transaction that marks its batch of
studies stable, so a study is marked stable only together with everything its stability set off.
Each step takes the whole batch: a few statements per batch instead of a dozen per study.
"""

import logging
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from app.orders.service import apply_orders
from app.routing.classify import classify_studies
from app.routing.route import route_changed_studies, route_studies
from app.settings import Settings
from app.studies import repository as studies
from app.studies.models import Study
from app.studies.quiet_period import studies_that_may_settle
from app.studies.repository import SettledStudy
from app.tasks import repository as tasks
from app.tasks.repository import UNCLAIMED_STATE_NAMES
from app.workflow.request_steps import link_request_tasks, receive_requests

logger = logging.getLogger(__name__)

StableStudiesStep = Callable[[Session, Sequence[int], Settings], None]

# In order: each step sees what the earlier ones wrote. The study's order and second-opinion
# request come first: their facts outrank what the images' headers say.
STEPS: tuple[StableStudiesStep, ...] = (
    apply_orders,
    receive_requests,
    classify_studies,
    route_studies,
    link_request_tasks,
)
# For studies that received images after they were stable: their new series classified, their
# task routed again while nobody has claimed it, else its reader told.
CHANGED_STEPS: tuple[StableStudiesStep, ...] = (
    classify_studies,
    route_changed_studies,
    link_request_tasks,
)


def on_studies_stable(session: Session, study_ids: Sequence[int], settings: Settings) -> None:
    for step in STEPS:
        step(session, study_ids, settings)


def on_studies_changed(session: Session, study_ids: Sequence[int], settings: Settings) -> None:
    for step in CHANGED_STEPS:
        step(session, study_ids, settings)


def on_study_stable(session: Session, study_id: int, settings: Settings) -> None:
    """The same steps for one study: an amended order, or a study routed again."""
    on_studies_stable(session, [study_id], settings)


def route_again_unless_claimed(session: Session, study: Study, settings: Settings) -> bool:
    """Route a stable study again (its order or classification changed) while nobody has claimed
    its primary task; whether it was."""
    primary = tasks.primary_task_of_study(session, study.id)
    if study.stable_at is None or (primary and primary.state not in UNCLAIMED_STATE_NAMES):
        return False
    on_study_stable(session, study.id, settings)
    return True


# Past a study's quiet period by this much before the sweep looks at it, so it is found quiet.
SETTLE_MARGIN = timedelta(milliseconds=10)
# How far a study's `last_received_at` may trail its newest instance (the listener updates it at
# most every second): such a study is looked at again shortly, not after the sweep's interval.
RECEIVED_AT_LAG = timedelta(seconds=1)


def seconds_until_next_settles(session: Session, settings: Settings) -> float | None:
    """Seconds until the next study still receiving images has been quiet for `stable_after`.

    Studies long past it are held back (a listener starting or reconciling) and looked at
    again on the sweep's interval.
    """
    quiet_for = timedelta(seconds=settings.stable_after)
    now = datetime.now(UTC)
    received = studies.next_to_settle(session, now - quiet_for - RECEIVED_AT_LAG)
    if received is None:
        return None
    return (received + quiet_for + SETTLE_MARGIN - now).total_seconds()


def mark_settled_studies_stable(session: Session, settings: Settings) -> int:
    """Declare stable the studies quiet for `stable_after`, each with what its stability sets off;
    settle again, the same way, those that received images after they were stable.

    Nothing is judged quiet within `stable_after` of a listener's start (a study still arriving
    when the listener stopped resumes with it), nor, while a listener reconciles its storage, a
    study first received before it began (`studies_that_may_settle`).
    A batch of `stability_batch` studies is marked in the same transaction as its steps. If the
    batch fails, each study is tried on its own, so one whose steps fail stays unsettled (and
    is retried next sweep) without holding back the others.
    """
    now = datetime.now(UTC)
    settled_before = now - timedelta(seconds=settings.stable_after)
    may_settle = studies_that_may_settle(session, settled_before)
    if may_settle is None:
        return 0
    batch = studies.claim_settled_studies(
        session, settled_before, settings.stability_batch, may_settle.first_received_after
    )
    if not batch or _settle(session, batch, settings, now):
        return len(batch)
    if len(batch) == 1:
        return 0
    return sum(_settle(session, [study], settings, now) for study in batch)


def _settle(session: Session, batch: list[SettledStudy], settings: Settings, now: datetime) -> bool:
    """Mark the studies stable with everything their stability sets off, or none of them."""
    first_time = [study.id for study in batch if not study.changed_after_stable]
    changed = [study.id for study in batch if study.changed_after_stable]
    try:
        with session.begin_nested():
            if first_time:
                on_studies_stable(session, first_time, settings)
            if changed:
                on_studies_changed(session, changed, settings)
            studies.mark_stable(session, [study.id for study in batch], now)
    except Exception:
        logger.exception("stability steps failed", extra={"study_ids": first_time + changed})
        return False
    return True
