"""Upper-layer PDUs: P-DATA-TF items, whole-PDU reads off a socket, and the PDUs we send."""

import socket
import struct
import threading
import time
from collections.abc import Iterator

import pytest

from dicom_listener.pdu import (
    ABORT,
    INVALID_PARAMETER,
    P_DATA_TF,
    UNEXPECTED_PDU,
    PduReader,
    PeerClosed,
    ProtocolError,
    abort,
    associate_reject,
    command_pdu,
    pdvs,
    release_response,
)

TIMEOUT = 5.0


@pytest.fixture
def connection() -> Iterator[tuple[socket.socket, socket.socket]]:
    reading_end, peer = socket.socketpair()
    with reading_end, peer:
        yield reading_end, peer


def _item(context_id: int, control: int, fragment: bytes) -> bytes:
    return struct.pack(">IBB", len(fragment) + 2, context_id, control) + fragment


def _pdu(kind: int, body: bytes) -> bytes:
    return struct.pack(">BxI", kind, len(body)) + body


def test_pdvs_splits_a_command_and_a_last_data_set_fragment() -> None:
    body = _item(1, 0x03, b"command") + _item(3, 0x02, b"data set fragment")

    items = list(pdvs(memoryview(body)))

    assert [(item.context_id, item.is_command, item.is_last) for item in items] == [
        (1, True, True),
        (3, False, True),
    ]
    assert [bytes(item.fragment) for item in items] == [b"command", b"data set fragment"]


def test_pdvs_tells_a_data_set_fragment_that_is_not_the_last() -> None:
    (item,) = pdvs(memoryview(_item(5, 0x00, b"more to come")))
    assert (item.is_command, item.is_last, bytes(item.fragment)) == (False, False, b"more to come")


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        pytest.param(struct.pack(">IBB", 1, 1, 0x03), "invalid length 1", id="shorter-than-2"),
        pytest.param(
            struct.pack(">IBB", 10, 1, 0x03) + b"short", "invalid length 10", id="past-the-body"
        ),
        pytest.param(
            _item(1, 0x02, b"whole") + b"\x00\x00\x00", "inside an item header", id="cut-header"
        ),
    ],
)
def test_pdvs_rejects_malformed_items(body: bytes, reason: str) -> None:
    with pytest.raises(ProtocolError, match=reason):
        list(pdvs(memoryview(body)))


def test_a_command_pdu_is_one_last_command_item() -> None:
    encoded = command_pdu(7, b"\x00\x00\x00\x00command set")

    kind, length = struct.unpack_from(">BxI", encoded)
    (item,) = pdvs(memoryview(encoded)[6:])

    assert (kind, length) == (P_DATA_TF, len(encoded) - 6)
    assert (item.context_id, item.is_command, item.is_last) == (7, True, True)
    assert bytes(item.fragment) == b"\x00\x00\x00\x00command set"


def test_the_reader_assembles_a_pdu_sent_in_small_pieces(
    connection: tuple[socket.socket, socket.socket],
) -> None:
    reading_end, peer = connection
    encoded = _pdu(P_DATA_TF, _item(1, 0x02, b"x" * 301))
    pieces = [encoded[:3], encoded[3:8], encoded[8:100], encoded[100:]]

    def send_slowly() -> None:
        for piece in pieces:
            peer.sendall(piece)
            time.sleep(0.01)

    sender = threading.Thread(target=send_slowly)
    sender.start()
    kind, body = PduReader(reading_end).read(TIMEOUT, max_length=1024)
    sender.join()

    assert kind == P_DATA_TF
    assert bytes(body) == encoded[6:]


def test_the_reader_reads_consecutive_pdus_and_keeps_the_last_header(
    connection: tuple[socket.socket, socket.socket],
) -> None:
    reading_end, peer = connection
    small, large = _pdu(0x05, bytes(4)), _pdu(P_DATA_TF, b"y" * 100_000)
    reader = PduReader(reading_end)

    peer.sendall(small)
    assert bytes(reader.read(TIMEOUT, max_length=200_000)[1]) == bytes(4)
    sender = threading.Thread(target=peer.sendall, args=(large,))
    sender.start()
    kind, body = reader.read(TIMEOUT, max_length=200_000)
    sender.join()

    assert (kind, len(body), reader.header()) == (P_DATA_TF, 100_000, large[:6])


def test_the_reader_refuses_a_pdu_over_the_limit_without_reading_its_body(
    connection: tuple[socket.socket, socket.socket],
) -> None:
    reading_end, peer = connection
    peer.sendall(struct.pack(">BxI", P_DATA_TF, 1_000_000) + b"first body bytes")

    with pytest.raises(ProtocolError, match="over the limit") as refused:
        PduReader(reading_end).read(TIMEOUT, max_length=16_384)

    assert refused.value.reason == INVALID_PARAMETER
    assert reading_end.recv(100) == b"first body bytes"


def test_the_reader_reports_a_peer_closing_mid_pdu(
    connection: tuple[socket.socket, socket.socket],
) -> None:
    reading_end, peer = connection
    peer.sendall(_pdu(P_DATA_TF, b"z" * 50)[:30])
    peer.close()

    with pytest.raises(PeerClosed):
        PduReader(reading_end).read(TIMEOUT, max_length=1024)


def test_the_reader_reports_a_peer_closing_between_pdus(
    connection: tuple[socket.socket, socket.socket],
) -> None:
    reading_end, peer = connection
    peer.close()

    with pytest.raises(PeerClosed):
        PduReader(reading_end).read(TIMEOUT, max_length=1024)


def test_an_abort_comes_from_the_service_provider_with_its_reason() -> None:
    assert abort(UNEXPECTED_PDU) == bytes((ABORT, 0, 0, 0, 0, 4, 0, 0, 2, UNEXPECTED_PDU))


def test_a_release_response_has_four_reserved_bytes() -> None:
    assert release_response() == bytes((0x06, 0, 0, 0, 0, 4, 0, 0, 0, 0))


def test_an_associate_reject_carries_result_source_and_diagnostic() -> None:
    assert associate_reject(1, 1, 7) == bytes((0x03, 0, 0, 0, 0, 4, 0, 1, 1, 7))
