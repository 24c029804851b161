"""DIMSE command sets (PS3.7 §9.3, §E): the few requests a storage SCP is sent, and its answers.

Command sets are always Implicit VR Little Endian, group 0000. Only the elements C-STORE and
C-ECHO need are read; the others are skipped.
"""

import struct
from dataclasses import dataclass
from typing import NamedTuple

C_STORE_RQ = 0x0001
C_STORE_RSP = 0x8001
C_ECHO_RQ = 0x0030
C_ECHO_RSP = 0x8030
NO_DATASET = 0x0101

_AFFECTED_SOP_CLASS_UID = 0x0002
_COMMAND_FIELD = 0x0100
_MESSAGE_ID = 0x0110
_MESSAGE_ID_BEING_RESPONDED_TO = 0x0120
_COMMAND_DATASET_TYPE = 0x0800
_STATUS = 0x0900
_ERROR_COMMENT = 0x0902
_AFFECTED_SOP_INSTANCE_UID = 0x1000
_ELEMENT_HEADER = struct.Struct("<HHI")


class MalformedCommand(ValueError):
    """A command set that cannot be decoded, or lacks what its command requires."""


class Status(NamedTuple):
    """A DIMSE status (PS3.7 Annex C) and, for a failure, why."""

    code: int
    comment: str | None = None


@dataclass(frozen=True)
class Command:
    field: int
    message_id: int
    has_dataset: bool
    sop_class_uid: str
    sop_instance_uid: str


def decode_command(encoded: bytes) -> Command:
    values = _elements(encoded)
    return Command(
        field=_us_value(values, _COMMAND_FIELD),
        message_id=_us_value(values, _MESSAGE_ID),
        has_dataset=_us_value(values, _COMMAND_DATASET_TYPE) != NO_DATASET,
        sop_class_uid=_uid_value(values, _AFFECTED_SOP_CLASS_UID),
        sop_instance_uid=_uid_value(values, _AFFECTED_SOP_INSTANCE_UID),
    )


def _elements(encoded: bytes) -> dict[int, bytes]:
    """The values of a group-0000 data set, by element number."""
    values: dict[int, bytes] = {}
    offset, end = 0, len(encoded)
    while offset < end:
        if end - offset < _ELEMENT_HEADER.size:
            raise MalformedCommand("command set ends inside an element header")
        group, element, length = _ELEMENT_HEADER.unpack_from(encoded, offset)
        offset += _ELEMENT_HEADER.size
        if group != 0 or length > end - offset:
            raise MalformedCommand(f"invalid command element ({group:04X},{element:04X})")
        values[element] = encoded[offset : offset + length]
        offset += length
    return values


def _us_value(values: dict[int, bytes], element: int) -> int:
    value = values.get(element)
    if value is None or len(value) != 2:
        raise MalformedCommand(f"command set without a valid (0000,{element:04X})")
    return int.from_bytes(value, "little")


def _uid_value(values: dict[int, bytes], element: int) -> str:
    """A UI value without its padding; empty when absent (a C-ECHO may omit it)."""
    return values.get(element, b"").rstrip(b"\0 ").decode("ascii", "replace")


def store_response(command: Command, status: Status) -> bytes:
    return _response(C_STORE_RSP, command, status.code, status.comment, with_instance=True)


def echo_response(command: Command) -> bytes:
    return _response(C_ECHO_RSP, command, 0x0000, None, with_instance=False)


def _response(
    field: int, command: Command, status: int, comment: str | None, *, with_instance: bool
) -> bytes:
    body = _text(_AFFECTED_SOP_CLASS_UID, command.sop_class_uid, b"\0")
    body += _us(_COMMAND_FIELD, field) + _us(_MESSAGE_ID_BEING_RESPONDED_TO, command.message_id)
    body += _us(_COMMAND_DATASET_TYPE, NO_DATASET) + _us(_STATUS, status)
    if comment:
        body += _text(_ERROR_COMMENT, comment[:64], b" ")
    if with_instance:
        body += _text(_AFFECTED_SOP_INSTANCE_UID, command.sop_instance_uid, b"\0")
    return _ELEMENT_HEADER.pack(0, 0, 4) + len(body).to_bytes(4, "little") + body


def _us(element: int, value: int) -> bytes:
    return _ELEMENT_HEADER.pack(0, element, 2) + value.to_bytes(2, "little")


def _text(element: int, value: str, padding: bytes) -> bytes:
    encoded = value.encode("ascii", "replace")
    if len(encoded) % 2:
        encoded += padding
    return _ELEMENT_HEADER.pack(0, element, len(encoded)) + encoded
