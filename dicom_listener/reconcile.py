"""At start: index stored instances a crash left without a row, clear the spool of unfinished
receptions, and report rows whose stored instance is missing."""

import itertools
import logging
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple

from app.db.session import session_scope
from app.storage.objects import StoredObject
from app.storage.quarantine import quarantine
from app.storage.store import Storage
from app.studies.records import Receipt
from app.studies.service import count_instances, file_instance, known_instances_by_series
from dicom_listener import metrics
from dicom_listener.metadata import UnusableDataset, read_header, received_instance

logger = logging.getLogger(__name__)

# Stored series whose rows are looked up in one query: one query per series cost about 1.3 ms
# each, an hour of every start at a year's volume (millions of series).
SERIES_PER_LOOKUP = 500
# Reconciling takes minutes at a year's volume (docs/scaling.md), while associations are served:
# a start says how far it has come this often, rather than staying silent.
SECONDS_BETWEEN_PROGRESS = 30.0

StoredSeries = tuple[str, list[StoredObject]]


def reconcile(storage: Storage, database_url: str, temp_idle_for: float = 0.0) -> int:
    """Return how many stored instances were indexed; unreadable ones go to quarantine.

    Associations may be served meanwhile. Rows received after the listing began are left out of
    the count of rows without a file, as the listing may have passed their folder before their
    file was written; a row received before it had its file written first, so it is listed.
    """
    storage.prepare()
    removed = storage.clear_spool(temp_idle_for)
    counted_before = datetime.now(UTC)
    logger.info("reconciling storage at start")
    indexed = missing = rows_of_stored_series = series_checked = 0
    next_progress = time.monotonic() + SECONDS_BETWEEN_PROGRESS
    for batch in _batches(_stored_series(storage), SERIES_PER_LOOKUP):
        with session_scope(database_url) as session:
            known = known_instances_by_series(session, {series_uid for series_uid, _ in batch})
        for series_uid, stored in batch:
            found = _index_series(known[series_uid], stored, storage, database_url, counted_before)
            indexed, missing = indexed + found.indexed, missing + found.missing
            rows_of_stored_series += found.counted_rows
        series_checked += len(batch)
        if time.monotonic() >= next_progress:
            logger.info(
                "reconciling storage",
                extra={"series_checked": series_checked, "indexed": indexed, "missing": missing},
            )
            next_progress = time.monotonic() + SECONDS_BETWEEN_PROGRESS
    missing += _rows_of_series_not_stored(rows_of_stored_series, database_url, counted_before)
    if removed or indexed:
        logger.info("storage reconciled", extra={"indexed": indexed, "temp_removed": removed})
    _report_rows_without_file(missing)
    return indexed


def _stored_series(storage: Storage) -> Iterator[StoredSeries]:
    """Stored instances (`<study>/<series>/<sop>.dcm`) by series; a listing names the keys of
    one series together, folder by folder or in key order."""
    instances = (
        stored
        for stored in storage.instances.objects()
        if stored.key.count("/") == 2 and stored.key.endswith(".dcm")
    )
    for folder, stored in itertools.groupby(instances, key=lambda one: one.key.rpartition("/")[0]):
        yield folder.rpartition("/")[2], list(stored)


def _batches(series: Iterator[StoredSeries], size: int) -> Iterator[list[StoredSeries]]:
    while batch := list(itertools.islice(series, size)):
        yield batch


class SeriesReconciled(NamedTuple):
    indexed: int  # stored instances given a row
    counted_rows: int  # rows received before the count's moment, those just given included
    missing: int  # of those, rows whose stored instance is not there


def _index_series(
    known: dict[str, datetime],
    stored: list[StoredObject],
    storage: Storage,
    database_url: str,
    counted_before: datetime,
) -> SeriesReconciled:
    """Index the series' instances without a row (`known` are those with one, and when each
    was received)."""
    by_sop = {Path(one.key).stem: one for one in stored}
    unindexed = [one for sop, one in by_sop.items() if sop not in known]
    indexed = [one for one in unindexed if _index_instance(one, storage, database_url)]
    counted = {sop for sop, received_at in known.items() if received_at < counted_before}
    # An instance indexed here has its file's time as its reception time.
    counted_indexed = sum(1 for one in indexed if one.modified < counted_before)
    return SeriesReconciled(
        len(indexed), len(counted) + counted_indexed, len(counted - by_sop.keys())
    )


def _rows_of_series_not_stored(
    rows_of_stored_series: int, database_url: str, counted_before: datetime
) -> int:
    """Rows beyond those of the series found in storage: each one's whole series folder is gone.

    One count of all rows rather than a count by series: at 10 million rows that grouping
    spilled 692 MB to disk and took 96 s of every start (docs/scaling.md).
    """
    with session_scope(database_url) as session:
        rows = count_instances(session, received_before=counted_before)
    # Never below none: rows may be purged while the storage is listed.
    return max(0, rows - rows_of_stored_series)


def _report_rows_without_file(missing: int) -> None:
    """Rows whose file is gone were acknowledged and then lost: say so loudly, and count them."""
    metrics.RECONCILIATION.rows_without_file = missing
    if missing:
        logger.error(
            "instances recorded without their file in storage",
            extra={"rows_without_file": missing},
        )


def _index_instance(stored: StoredObject, storage: Storage, database_url: str) -> bool:
    """Whether the instance now has a row (False: it was unusable, and went to quarantine)."""
    try:
        with storage.instances.open(stored.key) as content:
            received = received_instance(read_header(content))
    except UnusableDataset as error:
        _move_to_quarantine(stored, storage, f"found in storage: {error}")
        return False
    receipt = Receipt(stored.key, stored.size, None, stored.modified)
    with session_scope(database_url) as session:
        file_instance(session, received, receipt)
    return True


def _move_to_quarantine(stored: StoredObject, storage: Storage, reason: str) -> None:
    """Through a spooled copy, as every dataset enters the quarantine."""
    with storage.spooled_copy(storage.instances, stored.key) as copy:
        quarantine(storage.quarantine, copy, reason)
    storage.instances.remove(stored.key)
