"""Hand-built upper-layer PDUs, for peers that break the protocol on purpose."""

import socket
import struct

VERIFICATION = b"1.2.840.10008.1.1"
IMPLICIT_LITTLE_ENDIAN = b"1.2.840.10008.1.2"
ASSOCIATE_AC, ASSOCIATE_RJ, RELEASE_RQ, ABORT = 0x02, 0x03, 0x05, 0x07
COMMAND, LAST = 0x01, 0x02


def associate_rq(called: str, calling: str, abstract_syntax: bytes = VERIFICATION) -> bytes:
    """A well-formed A-ASSOCIATE-RQ proposing `abstract_syntax` as presentation context 1."""

    def item(kind: int, body: bytes) -> bytes:
        return struct.pack(">BxH", kind, len(body)) + body

    context = item(0x30, abstract_syntax) + item(0x40, IMPLICIT_LITTLE_ENDIAN)
    body = struct.pack(">Hxx16s16s32x", 1, called.ljust(16).encode(), calling.ljust(16).encode())
    body += item(0x10, b"1.2.840.10008.3.1.1.1")
    body += item(0x20, bytes([1, 0, 0, 0]) + context)
    body += item(0x50, item(0x51, struct.pack(">I", 16384)))
    return struct.pack(">BxI", 0x01, len(body)) + body


def p_data(context_id: int, control: int, fragment: bytes) -> bytes:
    """A P-DATA-TF with one item; `control` bit 0 marks a command, bit 1 the last fragment."""
    item = struct.pack(">IBB", len(fragment) + 2, context_id, control) + fragment
    return struct.pack(">BxI", 0x04, len(item)) + item


def associated(port: int, called: str, abstract_syntax: bytes = VERIFICATION) -> socket.socket:
    """A connection whose association the listener accepted."""
    connection = socket.create_connection(("127.0.0.1", port), timeout=10)
    connection.sendall(associate_rq(called, "RAWPEER", abstract_syntax))
    kind, _ = read_pdu(connection)
    assert kind == ASSOCIATE_AC, f"association not accepted (PDU type {kind})"
    return connection


def read_pdu(connection: socket.socket) -> tuple[int, bytes]:
    """The next PDU's type and body; type 0 when the listener hung up."""
    header = _read_exactly(connection, 6)
    if len(header) < 6:
        return 0, b""
    kind, length = struct.unpack(">BxI", header)
    return kind, _read_exactly(connection, length)


def _read_exactly(connection: socket.socket, count: int) -> bytes:
    data = b""
    while len(data) < count:
        chunk = connection.recv(count - len(data))
        if not chunk:
            break
        data += chunk
    return data
