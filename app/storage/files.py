"""File storage: objects are files under a folder, written by a same-disk link that never
replaces, with the file and its folders fsynced before anyone relies on them."""

import errno
import os
import shutil
import uuid
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from app.storage.objects import ObjectArea, StoredObject


class FolderArea(ObjectArea):
    """Objects as files under `root`; names starting with a dot (receptions, staged copies) are
    not objects."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def prepare(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)

    def put_new(self, source: Path, key: str) -> bool:
        return self.put_all_new([(source, key)])[0]

    def put_all_new(self, files: Sequence[tuple[Path, str]]) -> list[bool]:
        """Link each file at its key, then fsync each folder that gained an entry, once."""
        linked: list[bool] = []
        gained: set[Path] = set()
        for source, key in files:
            target = self.root / key
            make_dirs_durably(target.parent)
            try:
                _link_or_copy(source, target)
            except FileExistsError:
                linked.append(False)
                continue
            linked.append(True)
            gained.add(target.parent)
        for folder in gained:
            fsync_dir(folder)
        return linked

    def put_text(self, key: str, text: str) -> None:
        target = self.root / key
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")

    def open(self, key: str) -> BinaryIO:
        return (self.root / key).open("rb")

    def remove(self, key: str) -> None:
        (self.root / key).unlink(missing_ok=True)

    def objects(self) -> Iterator[StoredObject]:
        for folder, subfolders, names in os.walk(self.root):
            subfolders[:] = sorted(name for name in subfolders if not name.startswith("."))
            for name in sorted(names):
                if not name.startswith("."):
                    yield self._described(Path(folder) / name)

    def _described(self, path: Path) -> StoredObject:
        status = path.stat()
        modified = datetime.fromtimestamp(status.st_mtime, UTC)
        return StoredObject(path.relative_to(self.root).as_posix(), status.st_size, modified)


def _link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError as error:
        if error.errno != errno.EXDEV:
            raise
        staged = target.with_name(f".{target.name}.{uuid.uuid4().hex}")
        shutil.copyfile(source, staged)
        _fsync(staged, os.O_RDONLY)
        try:
            os.link(staged, target)
        finally:
            staged.unlink()


def make_dirs_durably(folder: Path) -> None:
    """Create missing folders and fsync each parent, so the new entries survive a crash."""
    if folder.is_dir():
        return
    make_dirs_durably(folder.parent)
    try:
        folder.mkdir()
    except FileExistsError:
        return
    fsync_dir(folder.parent)


def fsync_dir(path: Path) -> None:
    _fsync(path, os.O_RDONLY | os.O_DIRECTORY)


def _fsync(path: Path, flags: int) -> None:
    descriptor = os.open(path, flags)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
