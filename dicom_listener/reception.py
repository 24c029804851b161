"""A C-STORE data set arriving: streamed to a temp file in storage, behind a Part 10 header.

The file is what pynetdicom's chunked receive would write: 128-byte preamble, `DICM`, the file
meta information group, then the data set bytes exactly as received (no decoding, no
transcoding), so memory stays flat whatever the data set's size.
"""

import os
import struct
import tempfile
from dataclasses import dataclass
from pathlib import Path

from pynetdicom import PYNETDICOM_IMPLEMENTATION_UID, PYNETDICOM_IMPLEMENTATION_VERSION

PART10_PREAMBLE = bytes(128) + b"DICM"
_SHORT_ELEMENT = struct.Struct("<HH2sH")
# Files up to this size are also kept in memory, so reading their header costs no file I/O.
# A 512×512 CT slice fits; bigger data sets are read back from the file.
KEPT_IN_MEMORY = 1024 * 1024


@dataclass(frozen=True)
class ReceivedFile:
    """A received data set on disk, fsynced; `content` is the whole file when it is small."""

    path: Path
    size: int
    content: bytes | None


class Reception:
    """One file being received into `incoming_dir`, starting with `prefix`; `error` is set once
    storage failed (the rest is dropped)."""

    def __init__(self, incoming_dir: Path, prefix: bytes = b"") -> None:
        self.error: OSError | None = None
        self.path: Path | None = None
        self._descriptor = -1
        self._size = 0
        self._kept = bytearray()
        try:
            self._descriptor, name = tempfile.mkstemp(suffix=".dcm", dir=incoming_dir)
        except OSError as error:
            self.error = error
            return
        self.path = Path(name)
        self.write(memoryview(prefix))

    @classmethod
    def of_dataset(
        cls,
        incoming_dir: Path,
        sop_class_uid: str,
        sop_instance_uid: str,
        transfer_syntax_uid: str,
        calling_ae: str,
    ) -> "Reception":
        """A bare data set (as C-STORE brings it), filed behind a Part 10 header."""
        header = file_meta(sop_class_uid, sop_instance_uid, transfer_syntax_uid, calling_ae)
        return cls(incoming_dir, PART10_PREAMBLE + header)

    def write(self, fragment: memoryview) -> None:
        if self.error is not None:
            return
        self._size += len(fragment)
        if self._size <= KEPT_IN_MEMORY:
            self._kept += fragment
        try:
            while fragment:
                fragment = fragment[os.write(self._descriptor, fragment) :]
        except OSError as error:
            self.error = error
            self.discard()

    def finish(self) -> ReceivedFile:
        """fsync and close: the bytes are on disk before anything refers to them."""
        if self.error is not None:
            raise self.error
        assert self.path is not None  # no error: the temp file was made
        try:
            os.fsync(self._descriptor)
        finally:
            self.close()
        content = bytes(self._kept) if self._size <= KEPT_IN_MEMORY else None
        return ReceivedFile(self.path, self._size, content)

    def close(self) -> None:
        if self._descriptor >= 0:
            os.close(self._descriptor)
            self._descriptor = -1

    def discard(self) -> None:
        """Close and delete the temp file (filing links it elsewhere first, if it keeps it)."""
        self.close()
        if self.path is not None:
            self.path.unlink(missing_ok=True)


def file_meta(
    sop_class_uid: str, sop_instance_uid: str, transfer_syntax_uid: str, calling_ae: str
) -> bytes:
    """The file meta information group (PS3.10 §7.1), Explicit VR Little Endian."""
    elements = (
        struct.pack("<HH2sHI", 0x0002, 0x0001, b"OB", 0, 2)
        + b"\x00\x01"
        + _element(0x0002, "UI", sop_class_uid)
        + _element(0x0003, "UI", sop_instance_uid)
        + _element(0x0010, "UI", transfer_syntax_uid)
        + _element(0x0012, "UI", PYNETDICOM_IMPLEMENTATION_UID)
        + _element(0x0013, "SH", PYNETDICOM_IMPLEMENTATION_VERSION)
        + _element(0x0016, "AE", calling_ae)
    )
    group_length = _SHORT_ELEMENT.pack(0x0002, 0x0000, b"UL", 4) + len(elements).to_bytes(
        4, "little"
    )
    return group_length + elements


def _element(element: int, vr: str, value: str) -> bytes:
    encoded = value.encode("ascii", "replace")
    if len(encoded) % 2:
        encoded += b"\0" if vr == "UI" else b" "
    return _SHORT_ELEMENT.pack(0x0002, element, vr.encode(), len(encoded)) + encoded
