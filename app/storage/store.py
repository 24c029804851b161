"""The storage a process uses, chosen by `WORKLIST_STORAGE`: instances, the quarantine, and the
local spool where datasets are received before they are stored."""

import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from app.settings import Settings
from app.storage.files import FolderArea
from app.storage.objects import ObjectArea

INCOMING = ".incoming"


@dataclass(frozen=True)
class Storage:
    instances: ObjectArea
    quarantine: ObjectArea
    # A local folder: receptions are written and fsynced here, then stored.
    spool_dir: Path

    def prepare(self) -> None:
        self.spool_dir.mkdir(parents=True, exist_ok=True)
        self.instances.prepare()
        self.quarantine.prepare()

    @contextmanager
    def spooled_copy(self, area: ObjectArea, key: str) -> Iterator[Path]:
        """A local, fsynced copy of a stored object, as a reception would be; removed after."""
        with (
            area.open(key) as content,
            tempfile.NamedTemporaryFile(dir=self.spool_dir, suffix=".dcm") as copy,
        ):
            shutil.copyfileobj(content, copy)
            copy.flush()
            os.fsync(copy.fileno())
            yield Path(copy.name)

    def clear_spool(self, idle_for: float) -> int:
        """Delete receptions a crash interrupted (none was acknowledged); how many.

        Only files untouched for `idle_for` seconds: another process sharing the folder may be
        receiving into it.
        """
        removed = 0
        cutoff = time.time() - idle_for
        for leftover in self.spool_dir.glob("*"):
            if leftover.stat().st_mtime < cutoff:
                leftover.unlink(missing_ok=True)
                removed += 1
        return removed


def instance_key(study_uid: str, series_uid: str, sop_uid: str) -> str:
    """`<study>/<series>/<sop>.dcm`; the UIDs are validated digits and dots, never `..`."""
    return f"{study_uid}/{series_uid}/{sop_uid}.dcm"


def storage_of(settings: Settings) -> Storage:
    """File storage under `storage_dir` (receptions inside it, so storing them is a same-disk
    link), or a bucket with the spool under the home."""
    if settings.storage.startswith("s3://"):
        # Imported only here: boto3 takes a second or more to import, which no process using
        # file storage should pay at start.
        from app.storage.s3 import BucketArea, S3Connection

        bucket, _, prefix = settings.storage.removeprefix("s3://").partition("/")
        connection = S3Connection(
            settings.s3_endpoint, settings.s3_addressing_style, settings.s3_timeout
        )
        return Storage(
            instances=BucketArea(connection, bucket, f"{prefix}/instances"),
            quarantine=BucketArea(connection, bucket, f"{prefix}/quarantine"),
            spool_dir=settings.home / "spool",
        )
    return Storage(
        instances=FolderArea(settings.storage_dir),
        quarantine=FolderArea(settings.quarantine_dir),
        spool_dir=settings.storage_dir / INCOMING,
    )
