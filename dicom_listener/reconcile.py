"""At start: index files a crash left in storage without a row, and drop unfinished receptions."""

import logging
from datetime import UTC, datetime
from pathlib import Path

from app.db.session import session_scope
from app.studies.records import Receipt
from app.studies.service import file_instance, known_instances_of_series
from dicom_listener import storage
from dicom_listener.metadata import UnusableDataset, read_header, received_instance

logger = logging.getLogger(__name__)


def reconcile(
    storage_dir: Path, quarantine_dir: Path, database_url: str, temp_idle_for: float = 0.0
) -> int:
    """Return how many stored files were indexed; unreadable ones go to quarantine."""
    storage.prepare(storage_dir, quarantine_dir)
    removed = storage.remove_temp_files(storage_dir, temp_idle_for)
    indexed = sum(
        _index_series_folder(folder, storage_dir, quarantine_dir, database_url)
        for folder in storage.series_folders(storage_dir)
    )
    if removed or indexed:
        logger.info("storage reconciled", extra={"indexed": indexed, "temp_removed": removed})
    return indexed


def _index_series_folder(
    folder: Path, storage_dir: Path, quarantine_dir: Path, database_url: str
) -> int:
    with session_scope(database_url) as session:
        known = known_instances_of_series(session, folder.name)
    unindexed = [path for path in folder.glob("*.dcm") if path.stem not in known]
    for path in unindexed:
        _index_file(path, storage_dir, quarantine_dir, database_url)
    return len(unindexed)


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
