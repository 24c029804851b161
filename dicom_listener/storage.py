"""Files on disk: durable filing of received datasets, quarantine, and what a restart finds."""

import errno
import os
import shutil
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

INCOMING = ".incoming"


def incoming_dir(storage_dir: Path) -> Path:
    """Where datasets are received: inside storage, so filing them is a same-disk link."""
    return storage_dir / INCOMING


def prepare(storage_dir: Path, quarantine_dir: Path) -> None:
    for folder in (storage_dir, incoming_dir(storage_dir), quarantine_dir):
        folder.mkdir(parents=True, exist_ok=True)


def relative_path(study_uid: str, series_uid: str, sop_uid: str) -> str:
    """`<study>/<series>/<sop>.dcm`; the UIDs are validated digits and dots, never `..`."""
    return f"{study_uid}/{series_uid}/{sop_uid}.dcm"


def file_durably(received: Path, storage_dir: Path, relative: str) -> bool:
    """Link `received` (fsynced already) at `storage_dir/relative`, and make the link durable;
    False when a file was already there.

    A link never replaces: a re-sent instance keeps the original bytes.
    """
    target = storage_dir / relative
    _make_dirs_durably(target.parent)
    try:
        _link_or_copy(received, target)
    except FileExistsError:
        return False
    _fsync_dir(target.parent)
    return True


def quarantine(received: Path, quarantine_dir: Path, reason: str) -> Path:
    """Keep a rejected dataset's bytes beside a text file saying why."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    target = quarantine_dir / f"{stamp}-{uuid.uuid4().hex[:12]}.dcm"
    quarantine_dir.mkdir(parents=True, exist_ok=True)
    _link_or_copy(received, target)
    target.with_suffix(".reason.txt").write_text(reason + "\n", encoding="utf-8")
    return target


def remove_temp_files(storage_dir: Path, idle_for: float) -> int:
    """Delete receptions a crash interrupted (none was acknowledged).

    Only files untouched for `idle_for` seconds: another replica sharing the storage volume may
    be receiving into the same folder.
    """
    removed = 0
    cutoff = time.time() - idle_for
    for leftover in incoming_dir(storage_dir).glob("*"):
        if leftover.stat().st_mtime < cutoff:
            leftover.unlink(missing_ok=True)
            removed += 1
    return removed


def series_folders(storage_dir: Path) -> Iterator[Path]:
    """Every `<study>/<series>` folder under storage."""
    for study in storage_dir.iterdir():
        if study.is_dir() and study.name != INCOMING:
            yield from (series for series in study.iterdir() if series.is_dir())


def _link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError as error:
        if error.errno != errno.EXDEV:
            raise
        staged = target.with_name(f".{target.name}.{uuid.uuid4().hex}")
        shutil.copyfile(source, staged)
        _fsync_file(staged)
        try:
            os.link(staged, target)
        finally:
            staged.unlink()


def _make_dirs_durably(folder: Path) -> None:
    """Create missing folders and fsync each parent, so the new entries survive a crash."""
    if folder.is_dir():
        return
    _make_dirs_durably(folder.parent)
    try:
        folder.mkdir()
    except FileExistsError:
        return
    _fsync_dir(folder.parent)


def _fsync_file(path: Path) -> None:
    _fsync(path, os.O_RDONLY)


def _fsync_dir(path: Path) -> None:
    _fsync(path, os.O_RDONLY | os.O_DIRECTORY)


def _fsync(path: Path, flags: int) -> None:
    descriptor = os.open(path, flags)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
