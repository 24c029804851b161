"""Operations on studies: filing received instances."""

from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from app.db.session import Executor
from app.studies import repository
from app.studies.records import (
    InstanceFacts,
    Receipt,
    ReceivedInstance,
    SeriesHeaderUpdate,
    SeriesKey,
)


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


def file_instances_of_series(
    session: Executor,
    parents: SeriesKey,
    instances: Sequence[tuple[InstanceFacts, Receipt]],
    touch: bool,
) -> set[str]:
    """Record stored instances of a recorded series; the SOP Instance UIDs that were new (a
    re-sent instance is not).

    With `touch`, the study's reception time and counts are brought up to date too. Callers
    touch at most about once a second per study: concurrent senders of one study would
    otherwise queue on its row lock. The stability sweep brings every count up to date.
    """
    return repository.add_instances(session, parents, instances, touch)


def file_instance_of_series(
    session: Executor, parents: SeriesKey, instance: InstanceFacts, receipt: Receipt, touch: bool
) -> bool:
    """Record one stored instance of a recorded series; False for a re-sent one."""
    added = file_instances_of_series(session, parents, [(instance, receipt)], touch)
    return instance.sop_instance_uid in added


def complete_series_header(session: Executor, series_id: int, update: SeriesHeaderUpdate) -> None:
    """Add what a later instance shows to its series' header (DESIGN.md: a series is classified
    from all its instances): more planes, a first orientation, image types, a partition step."""
    repository.complete_series_header(session, series_id, update)


def storage_path_of_instance(session: Executor, sop_instance_uid: str) -> str | None:
    """Where the row of this SOP Instance UID says its file is; None without a row."""
    return repository.storage_path_of_instance(session, sop_instance_uid)


def known_instances_by_series(
    session: Session, series_instance_uids: Collection[str]
) -> dict[str, dict[str, datetime]]:
    """The SOP Instance UIDs with a row, of each of these series, with when each was received
    (none for a series unknown)."""
    return repository.instance_uids_by_series(session, series_instance_uids)


def count_instances(session: Session, received_before: datetime | None = None) -> int:
    """How many instance rows there are, in all series (received before a moment, if given)."""
    return repository.count_instances(session, received_before)
