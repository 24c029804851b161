"""An instance's identifiers read straight from its Part 10 bytes: the listener's fast path.

pydicom builds a Dataset of every header element, about 0.3 ms for a typical MR header and a
sixth of the listener's CPU per instance, where an instance of a series already recorded needs
six values. This walks the header of a Little Endian data set up to its pixel data and decodes
those six. Whatever it cannot take as certainly clean (a deflated or big endian syntax, an
element it cannot walk, a value it would have to interpret) gives None, and `metadata` reads
the data set with pydicom, with the usual statuses for what is wrong with it.
"""

import re
import struct
from collections.abc import Callable
from functools import lru_cache

from pydicom.uid import UID, ImplicitVRLittleEndian

from app.classification.series_geometry import rounded_orientation
from app.studies.records import IdentifiedInstance, InstanceFacts
from dicom_listener.metadata import image_type_tokens, is_valid_uid, position_of

_META_START = 132  # after the 128-byte preamble and `DICM`
_UNDEFINED = 0xFFFFFFFF
_PIXEL_DATA = 0x7FE00010
# Where pydicom stops reading a header: float, double float or integer pixel data.
_PIXEL_DATA_TAGS = frozenset((0x7FE00008, 0x7FE00009, _PIXEL_DATA))
_ITEM, _ITEM_END, _SEQUENCE_END = 0xFFFEE000, 0xFFFEE00D, 0xFFFEE0DD

_TRANSFER_SYNTAX = 0x00020010
_SOP_CLASS, _SOP_INSTANCE = 0x00080016, 0x00080018
_STUDY, _SERIES = 0x0020000D, 0x0020000E
_INSTANCE_NUMBER, _ORIENTATION = 0x00200013, 0x00200037
_IMAGE_TYPE, _POSITION = 0x00080008, 0x00200032
# The elements read, each with the VR it must have when the syntax is explicit.
_META_WANTED = {_TRANSFER_SYNTAX: b"UI"}
_DATA_SET_WANTED = {
    _IMAGE_TYPE: b"CS",
    _SOP_CLASS: b"UI",
    _SOP_INSTANCE: b"UI",
    _STUDY: b"UI",
    _SERIES: b"UI",
    _INSTANCE_NUMBER: b"IS",
    _POSITION: b"DS",
    _ORIENTATION: b"DS",
}

_IMPLICIT_HEADER = struct.Struct("<HHI")
_EXPLICIT_HEADER = struct.Struct("<HH2sH")
_LONG_LENGTH = struct.Struct("<I")
# Explicit VRs whose length takes 4 bytes after 2 reserved ones (PS3.5 §7.1.2).
_LONG_VRS = frozenset(
    vr.encode()
    for vr in ("OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC", "UN", "UR", "UT", "UV")
)
_SHORT_VRS = frozenset(
    vr.encode()
    for vr in (
        *("AE", "AS", "AT", "CS", "DA", "DS", "DT", "FD", "FL", "IS", "LO", "LT", "PN"),
        *("SH", "SL", "SS", "ST", "TM", "UI", "UL", "US"),
    )
)
_INTEGER = re.compile(r"[+-]?[0-9]{1,10}")
_DECIMAL = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?")


class _Unwalkable(Exception):
    """The header does not walk cleanly here; pydicom is to read it."""


def identify_raw(part10: bytes) -> IdentifiedInstance | None:
    """The identifiers of a whole Part 10 file in memory, or None when pydicom is to read it."""
    try:
        values, data_set_start = _walk(part10, _META_START, True, _META_WANTED, _past_meta)
        syntax = _text(values.get(_TRANSFER_SYNTAX))
        if not syntax or not _walkable_syntax(syntax):
            return None
        explicit = syntax != ImplicitVRLittleEndian
        values, _ = _walk(part10, data_set_start, explicit, _DATA_SET_WANTED, _at_pixels)
        return _identified(values, syntax)
    except (_Unwalkable, struct.error, UnicodeDecodeError, RecursionError):
        return None


@lru_cache(maxsize=64)
def _walkable_syntax(transfer_syntax_uid: str) -> bool:
    """Little Endian and not deflated: the data set bytes are the header as sent."""
    uid = UID(transfer_syntax_uid)
    return uid.is_transfer_syntax and uid.is_little_endian and not uid.is_deflated


def _walk(
    buffer: bytes,
    position: int,
    explicit: bool,
    wanted: dict[int, bytes],
    stops_at: Callable[[int], bool],
) -> tuple[dict[int, bytes], int]:
    """The `wanted` values among the top-level elements from `position` up to the first tag
    `stops_at` (or the end of the bytes), and where that is."""
    values: dict[int, bytes] = {}
    previous = -1
    while position < len(buffer):
        tag = _delimiter_tag(buffer, position)
        if stops_at(tag):
            break
        if tag <= previous:
            raise _Unwalkable("elements out of order")
        _, start, end, following = _element(buffer, position, explicit)
        vr = wanted.get(tag)
        if vr is not None:
            if explicit and buffer[position + 4 : position + 6] != vr:
                raise _Unwalkable("unexpected VR")
            values[tag] = buffer[start:end]
        previous, position = tag, following
    return values, position


def _past_meta(tag: int) -> bool:
    return tag >> 16 != 0x0002


def _at_pixels(tag: int) -> bool:
    return tag in _PIXEL_DATA_TAGS


def _element(buffer: bytes, position: int, explicit: bool) -> tuple[int, int, int, int]:
    """One element at `position`: its tag, where its value starts and ends, and what follows."""
    if explicit:
        group, element, vr, length = _EXPLICIT_HEADER.unpack_from(buffer, position)
        start = position + 8
        if vr in _LONG_VRS:
            (length,) = _LONG_LENGTH.unpack_from(buffer, start)
            start += 4
        elif vr not in _SHORT_VRS:
            raise _Unwalkable("unknown VR")
        nested_explicit = vr != b"UN"  # PS3.5 §6.2.2: UN of undefined length holds implicit VR
    else:
        group, element, length = _IMPLICIT_HEADER.unpack_from(buffer, position)
        start = position + 8
        nested_explicit = False
    tag = group << 16 | element
    if length == _UNDEFINED:
        if tag == _PIXEL_DATA:  # encapsulated pixel data: the walk stops here anyway
            return tag, start, start, len(buffer)
        return tag, start, start, _skip_sequence(buffer, start, nested_explicit)
    end = start + length
    if end > len(buffer):
        raise _Unwalkable("value runs past the end")
    return tag, start, end, end


def _skip_sequence(buffer: bytes, position: int, explicit: bool) -> int:
    """Past the items of a sequence of undefined length and its delimiter."""
    while (tag := _delimiter_tag(buffer, position)) != _SEQUENCE_END:
        if tag != _ITEM:
            raise _Unwalkable("not an item")
        (length,) = _LONG_LENGTH.unpack_from(buffer, position + 4)
        position += 8
        if length != _UNDEFINED:
            position += length
            continue
        while _delimiter_tag(buffer, position) != _ITEM_END:
            position = _element(buffer, position, explicit)[3]
        position += 8
    return position + 8


def _delimiter_tag(buffer: bytes, position: int) -> int:
    """The tag at `position` (Little Endian, whatever the VR encoding)."""
    group, element, _ = _IMPLICIT_HEADER.unpack_from(buffer, position)
    return int(group << 16 | element)


def _identified(values: dict[int, bytes], transfer_syntax_uid: str) -> IdentifiedInstance | None:
    study, series, sop_instance, sop_class = (
        _text(values.get(tag)) for tag in (_STUDY, _SERIES, _SOP_INSTANCE, _SOP_CLASS)
    )
    if not all(is_valid_uid(uid) for uid in (study, series, sop_instance, sop_class)):
        return None
    number_text = _text(values.get(_INSTANCE_NUMBER))
    if number_text and not _INTEGER.fullmatch(number_text):
        return None
    orientation, position = _decimals(values.get(_ORIENTATION)), _decimals(values.get(_POSITION))
    if orientation is None or position is None:
        return None
    return IdentifiedInstance(
        study,
        series,
        InstanceFacts(
            sop_instance, sop_class, transfer_syntax_uid, int(number_text) if number_text else None
        ),
        rounded_orientation(orientation) or None,
        position_of(position),
        image_type_tokens(_text(values.get(_IMAGE_TYPE)).split("\\")),
    )


def _decimals(value: bytes | None) -> list[str] | None:
    """The items of a decimal string value ([] when absent), or None when one is not a number."""
    items = [item.strip() for item in _text(value).split("\\")] if value else []
    items = [item for item in items if item]
    return items if all(_DECIMAL.fullmatch(item) for item in items) else None


def _text(value: bytes | None) -> str:
    return value.decode("ascii").replace("\x00", "").strip() if value else ""
