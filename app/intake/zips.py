"""Zip files from outside, unpacked one entry at a time into temp files, guarded against bombs.

Entry names are never used as paths: each entry goes to a fresh temp file in storage's
incoming folder, so `../` tricks, absolute names and links have nothing to act on. The
declared sizes are not trusted: bytes are counted as they are inflated.
"""

import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from app.dicomweb.spool import missing_preamble
from dicom_listener.reception import ReceivedFile, Reception

MAX_ENTRIES = 50_000
MAX_TOTAL_BYTES = 20 * 1024**3
MAX_RATIO = 100  # inflated size over compressed size
CHUNK = 1024 * 1024
# What a damaged entry raises while it is inflated: a bad CRC, a deflate stream that is not one
# (zlib), one that ends early (EOFError), an unknown method or an encrypted entry.
UNPACKING_ERRORS = (
    zipfile.BadZipFile, zlib.error, EOFError, RuntimeError, NotImplementedError, OSError,
)  # fmt: skip


class ZipRefused(Exception):
    """The whole zip is refused: damaged, or more than the limits allow."""


class EntryRefused(Exception):
    """One entry is refused; the others are still read."""


@dataclass
class _Budget:
    left: int = MAX_TOTAL_BYTES


def zip_entries(path: Path, incoming: Path) -> Iterator[tuple[str, ReceivedFile | EntryRefused]]:
    """Each file entry's name and its bytes in a temp file (removed once the caller moves on),
    or why it was refused."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as error:
        raise ZipRefused(f"a damaged zip: {error}") from error
    with archive:
        entries = [entry for entry in archive.infolist() if not entry.is_dir()]
        if len(entries) > MAX_ENTRIES:
            raise ZipRefused(f"a zip of more than {MAX_ENTRIES} files")
        budget = _Budget()
        for entry in entries:
            try:
                with _inflated(archive, entry, incoming, budget) as received:
                    yield entry.filename, received
            except EntryRefused as refused:
                yield entry.filename, refused


@contextmanager
def _inflated(
    archive: zipfile.ZipFile, entry: zipfile.ZipInfo, incoming: Path, budget: _Budget
) -> Iterator[ReceivedFile]:
    if entry.file_size > MAX_RATIO * max(entry.compress_size, 1):
        raise EntryRefused(f"compressed more than {MAX_RATIO} to 1: a zip bomb?")
    if entry.file_size > budget.left:
        raise ZipRefused(f"a zip that inflates to more than {MAX_TOTAL_BYTES} bytes")
    reception: Reception | None = None
    try:
        reception = _copy(archive, entry, incoming, budget)
        yield reception.finish()
    finally:
        if reception is not None:
            reception.discard()


def _copy(
    archive: zipfile.ZipFile, entry: zipfile.ZipInfo, incoming: Path, budget: _Budget
) -> Reception:
    reception: Reception | None = None
    try:
        with archive.open(entry) as source:
            first = source.read(CHUNK)
            reception = Reception(incoming, missing_preamble(first))
            written = 0
            chunk = first
            while chunk:
                written += len(chunk)
                if written > entry.file_size or written > budget.left:
                    raise EntryRefused("inflates to more than it declares")
                reception.write(memoryview(chunk))
                chunk = source.read(CHUNK)
    except (EntryRefused, *UNPACKING_ERRORS) as error:
        if reception is not None:
            reception.discard()  # what was inflated before the damage: not kept
        if isinstance(error, EntryRefused):
            raise
        raise EntryRefused(f"cannot be unpacked: {error}") from error
    budget.left -= written
    return reception
