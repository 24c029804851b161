"""At start: index files a crash left in storage without a row, drop unfinished receptions, and
report rows whose file is missing."""

import logging
from datetime import UTC, datetime
from pathlib import Path

from app.db.session import session_scope
from app.studies.records import Receipt
from app.studies.service import (
    file_instance,
    instance_counts_by_series,
    known_instances_of_series,
)
from dicom_listener import metrics, storage
from dicom_listener.metadata import UnusableDataset, read_header, received_instance

logger = logging.getLogger(__name__)


def reconcile(
    storage_dir: Path, quarantine_dir: Path, database_url: str, temp_idle_for: float = 0.0
) -> int:
    """Return how many stored files were indexed; unreadable ones go to quarantine."""
    storage.prepare(storage_dir, quarantine_dir)
    removed = storage.remove_temp_files(storage_dir, temp_idle_for)
    indexed = missing = 0
    seen: set[str] = set()
    for folder in storage.series_folders(storage_dir):
        folder_indexed, folder_missing = _index_series_folder(
            folder, storage_dir, quarantine_dir, database_url
        )
        indexed, missing = indexed + folder_indexed, missing + folder_missing
        seen.add(folder.name)
    missing += _rows_of_series_without_folder(seen, database_url)
    if removed or indexed:
        logger.info("storage reconciled", extra={"indexed": indexed, "temp_removed": removed})
    _report_rows_without_file(missing)
    return indexed


def _index_series_folder(
    folder: Path, storage_dir: Path, quarantine_dir: Path, database_url: str
) -> tuple[int, int]:
    """Index the folder's files without a row; how many, and how many rows lack their file."""
    with session_scope(database_url) as session:
        known = known_instances_of_series(session, folder.name)
    files = {path.stem: path for path in folder.glob("*.dcm")}
    unindexed = [path for stem, path in files.items() if stem not in known]
    for path in unindexed:
        _index_file(path, storage_dir, quarantine_dir, database_url)
    return len(unindexed), len(known - files.keys())


def _rows_of_series_without_folder(seen: set[str], database_url: str) -> int:
    with session_scope(database_url) as session:
        counts = instance_counts_by_series(session)
    return sum(count for series_uid, count in counts.items() if series_uid not in seen)


def _report_rows_without_file(missing: int) -> None:
    """Rows whose file is gone were acknowledged and then lost: say so loudly, and count them."""
    metrics.RECONCILIATION.rows_without_file = missing
    if missing:
        logger.error(
            "instances recorded without their file in storage",
            extra={"rows_without_file": missing},
        )


def _index_file(path: Path, storage_dir: Path, quarantine_dir: Path, database_url: str) -> None:
    try:
        received = received_instance(read_header(path))
    except UnusableDataset as error:
        storage.quarantine(path, quarantine_dir, f"found in storage: {error}")
        path.unlink()
        return
    relative = path.relative_to(storage_dir).as_posix()
    modified = datetime.fromtimestamp(path.stat().st_mtime, UTC)
    receipt = Receipt(relative, path.stat().st_size, None, modified)
    with session_scope(database_url) as session:
        file_instance(session, received, receipt)
