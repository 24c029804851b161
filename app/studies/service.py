"""Operations on studies: filing received instances and declaring quiet studies stable."""

import logging
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from app.db.session import Executor
from app.settings import Settings
from app.studies import repository
from app.studies.on_stable import on_studies_stable
from app.studies.records import (
    InstanceFacts,
    Receipt,
    ReceivedInstance,
    SeriesHeaderUpdate,
    SeriesKey,
)

logger = logging.getLogger(__name__)


def file_instance(
    session: Session, received: ReceivedInstance, receipt: Receipt
) -> tuple[SeriesKey, bool]:
    """Record a stored instance with its study and series; False for a re-sent one."""
    parents = repository.record_parents(session, received, receipt)
    added = file_instance_of_series(session, parents, received.instance, receipt, touch=True)
    return parents, added


def record_parents(session: Session, received: ReceivedInstance, receipt: Receipt) -> SeriesKey:
    """Create or complete the study and series an instance belongs to."""
    return repository.record_parents(session, received, receipt)


def file_instance_of_series(
    session: Executor, parents: SeriesKey, instance: InstanceFacts, receipt: Receipt, touch: bool
) -> bool:
    """Record a stored instance of a recorded series; False for a re-sent one.

    With `touch`, the study's reception time and counts are brought up to date too. Callers
    touch at most about once a second per study: concurrent senders of one study would
    otherwise queue on its row lock. The stability sweep brings every count up to date.
    """
    return repository.add_instance(session, parents, instance, receipt, touch)


def complete_series_header(session: Executor, series_id: int, update: SeriesHeaderUpdate) -> None:
    """Add what a later instance shows to its series' header (DESIGN.md: a series is classified
    from all its instances): more planes, a first orientation, image types, a partition step."""
    repository.complete_series_header(session, series_id, update)


def known_instances_of_series(session: Session, series_instance_uid: str) -> set[str]:
    return repository.instance_uids_of_series(session, series_instance_uid)


def mark_settled_studies_stable(session: Session, settings: Settings) -> int:
    """Declare stable the studies quiet for `stable_after`, each with what its stability sets off.

    A batch of `stability_batch` studies is marked in the same transaction as its
    `on_studies_stable` steps. If the batch fails, each study is tried on its own, so one whose
    steps fail stays unstable (and is retried next sweep) without holding back the others.
    """
    now = datetime.now(UTC)
    settled_before = now - timedelta(seconds=settings.stable_after)
    batch = repository.claim_settled_studies(session, settled_before, settings.stability_batch)
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
            repository.mark_stable(session, study_ids, now)
    except Exception:
        logger.exception("stability steps failed", extra={"study_ids": study_ids})
        return False
    return True
