"""Upper-layer PDUs (PS3.8 §9.3): reading them whole off a socket, and the small ones we send."""

import socket
import struct
from collections.abc import Iterator
from dataclasses import dataclass

ASSOCIATE_RQ = 0x01
P_DATA_TF = 0x04
RELEASE_RQ = 0x05
ABORT = 0x07

# A-ABORT reasons (PS3.8 §9.3.8) when we, the service provider, abort.
UNRECOGNIZED_PDU = 0x01
UNEXPECTED_PDU = 0x02
INVALID_PARAMETER = 0x06

_HEADER = struct.Struct(">BxI")
_PDV_HEADER = struct.Struct(">IBB")
_COMMAND = 0x01
_LAST_FRAGMENT = 0x02


class ProtocolError(Exception):
    """The peer broke the upper-layer protocol; the association is aborted with `reason`."""

    def __init__(self, message: str, reason: int = INVALID_PARAMETER) -> None:
        super().__init__(message)
        self.reason = reason


class PeerClosed(Exception):
    """The peer closed the connection."""


@dataclass(frozen=True)
class Pdv:
    """One presentation data value item: a fragment of a command or a data set."""

    context_id: int
    is_command: bool
    is_last: bool
    fragment: memoryview


class PduReader:
    """Reads whole PDUs into one reused buffer: no allocation per PDU on the data path."""

    def __init__(self, connection: socket.socket) -> None:
        self._connection = connection
        self._header = bytearray(_HEADER.size)
        self._buffer = bytearray(64 * 1024)
        self._timeout: float | None = -1.0

    def read(self, timeout: float, max_length: int) -> tuple[int, memoryview]:
        """The next PDU's type and body; the body is valid until the next read."""
        if timeout != self._timeout:
            self._connection.settimeout(timeout)
            self._timeout = timeout
        self._read_into(memoryview(self._header))
        kind, length = _HEADER.unpack(self._header)
        if length > max_length:
            raise ProtocolError(f"PDU of {length} bytes over the limit of {max_length}")
        if length > len(self._buffer):
            self._buffer = bytearray(length)
        body = memoryview(self._buffer)[:length]
        self._read_into(body)
        return kind, body

    def header(self) -> bytes:
        """The last PDU's 6-byte header (pynetdicom's decoders want the PDU whole)."""
        return bytes(self._header)

    def _read_into(self, view: memoryview) -> None:
        while view:
            received = self._connection.recv_into(view)
            if not received:
                raise PeerClosed
            view = view[received:]


def pdvs(body: memoryview) -> Iterator[Pdv]:
    """The presentation data value items of a P-DATA-TF body."""
    offset, end = 0, len(body)
    while offset < end:
        if end - offset < _PDV_HEADER.size:
            raise ProtocolError("P-DATA-TF ends inside an item header")
        length, context_id, control = _PDV_HEADER.unpack_from(body, offset)
        if length < 2 or length > end - offset - 4:
            raise ProtocolError(f"P-DATA-TF item of invalid length {length}")
        fragment = body[offset + _PDV_HEADER.size : offset + 4 + length]
        offset += 4 + length
        yield Pdv(context_id, bool(control & _COMMAND), bool(control & _LAST_FRAGMENT), fragment)


def command_pdu(context_id: int, command: bytes) -> bytes:
    """A whole command set in one P-DATA-TF (our answers are a few hundred bytes)."""
    item = _PDV_HEADER.pack(len(command) + 2, context_id, _COMMAND | _LAST_FRAGMENT) + command
    return _HEADER.pack(P_DATA_TF, len(item)) + item


def release_response() -> bytes:
    return _HEADER.pack(0x06, 4) + bytes(4)


def abort(reason: int) -> bytes:
    """A-ABORT from the service provider (source 2)."""
    return _HEADER.pack(ABORT, 4) + bytes((0, 0, 2, reason))


def associate_reject(result: int, source: int, diagnostic: int) -> bytes:
    return _HEADER.pack(0x03, 4) + bytes((0, result, source, diagnostic))
