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
from app.routing.route import route_studies
from app.settings import Settings
from app.studies import repository as studies

logger = logging.getLogger(__name__)

StableStudiesStep = Callable[[Session, Sequence[int], Settings], None]

# In order: each step sees what the earlier ones wrote. The study's order comes first: its facts
# outrank what the images' headers say.
STEPS: tuple[StableStudiesStep, ...] = (apply_orders, classify_studies, route_studies)


def on_studies_stable(session: Session, study_ids: Sequence[int], settings: Settings) -> None:
    for step in STEPS:
        step(session, study_ids, settings)


def on_study_stable(session: Session, study_id: int, settings: Settings) -> None:
    """The same steps for one study: an amended order, or a study routed again."""
    on_studies_stable(session, [study_id], settings)


def mark_settled_studies_stable(session: Session, settings: Settings) -> int:
    """Declare stable the studies quiet for `stable_after`, each with what its stability sets off.

    A batch of `stability_batch` studies is marked in the same transaction as its
    `on_studies_stable` steps. If the batch fails, each study is tried on its own, so one whose
    steps fail stays unstable (and is retried next sweep) without holding back the others.
    """
    now = datetime.now(UTC)
    settled_before = now - timedelta(seconds=settings.stable_after)
    batch = studies.claim_settled_studies(session, settled_before, settings.stability_batch)
    if not batch or _settle(session, batch, settings, now):
        return len(batch)
    if len(batch) == 1:
        return 0
    return sum(_settle(session, [study_id], settings, now) for study_id in batch)


def _settle(session: Session, study_ids: list[int], settings: Settings, now: datetime) -> bool:
    """Mark the studies stable with everything their stability sets off, or none of them."""
    try:
        with session.begin_nested():
            on_studies_stable(session, study_ids, settings)
            studies.mark_stable(session, study_ids, now)
    except Exception:
        logger.exception("stability steps failed", extra={"study_ids": study_ids})
        return False
    return True
