"""The interface every storage backend offers: durable, never-replacing writes of files spooled
locally, and reads, listings and removals by key."""

import errno
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO, Protocol


class StorageUnavailable(OSError):
    """The store could not be reached or refused the operation: the sender should retry later."""

    def __init__(self, message: str) -> None:
        super().__init__(errno.EIO, message)


@dataclass(frozen=True)
class StoredObject:
    key: str
    size: int
    modified: datetime


class ObjectArea(Protocol):
    """One area of storage (instances, or the quarantine); keys are `/`-separated relative
    names."""

    def prepare(self) -> None:
        """Make the area ready to be written (a folder made; a bucket is made by its owner)."""
        ...

    def put_new(self, source: Path, key: str) -> bool:
        """Store the (fsynced) file `source` at `key` durably; False when something is there
        already, which is kept: a write never replaces."""
        ...

    def put_all_new(self, files: Sequence[tuple[Path, str]]) -> list[bool]:
        """`put_new` for each (file, key), in order; a backend that can make a batch durable
        at once (a folder's entry synced once for all its new files) does so."""
        return [self.put_new(source, key) for source, key in files]

    def put_text(self, key: str, text: str) -> None:
        """Store a small text at `key`, replacing what is there."""
        ...

    def open(self, key: str) -> BinaryIO:
        """The object's bytes, as a seekable file to close; FileNotFoundError when absent."""
        ...

    def remove(self, key: str) -> None:
        """Remove the object if it is there."""
        ...

    def objects(self) -> Iterator[StoredObject]:
        """Every object of the area."""
        ...

    def read_text(self, key: str) -> str:
        with self.open(key) as stored:
            return stored.read().decode("utf-8", "replace")
