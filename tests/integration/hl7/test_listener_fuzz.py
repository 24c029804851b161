"""Broken input over a real socket: each gets an AR or AE or a closed connection, nothing is
half-stored, and the listener keeps serving."""

import socket
import threading
import time

import pytest
from sqlalchemy import func, select

from app.db.session import session_scope
from app.orders.models import Order
from app.settings import Settings
from tests.support.hl7_peers import running_hl7_listener, sample_bytes, send_with_hl7_client

GOOD = sample_bytes("orm_o01_v23_new.hl7")


def _connect(port: int) -> socket.socket:
    return socket.create_connection(("127.0.0.1", port), timeout=20)


def _read_acks(connection: socket.socket, count: int) -> list[bytes]:
    """The next `count` answers, each with its frame's end (TCP may join several in one read)."""
    received = b""
    while received.count(b"\x1c\r") < count:
        chunk = connection.recv(65536)
        if not chunk:
            break
        received += chunk
    return [ack + b"\x1c\r" for ack in received.split(b"\x1c\r")[:-1]]


def _read_ack(connection: socket.socket) -> bytes:
    (ack,) = _read_acks(connection, 1)
    return ack


def _msa_code(ack: bytes) -> str:
    msa = next(line for line in ack.split(b"\r") if line.startswith(b"MSA"))
    return msa.split(b"|")[1].decode()


def _orders(database_url: str) -> int:
    with session_scope(database_url) as session:
        return int(session.scalar(select(func.count()).select_from(Order)) or 0)


def test_truncated_message_closes_nothing_stored_and_the_listener_serves_on(
    settings: Settings, database_url: str
) -> None:
    with running_hl7_listener(settings, database_url) as port:
        with _connect(port) as connection:
            connection.sendall(b"\x0b" + GOOD[: len(GOOD) // 2])
            connection.shutdown(socket.SHUT_WR)
            assert connection.recv(100) == b""
        assert _orders(database_url) == 0
        (ack,) = send_with_hl7_client(port, [GOOD])
    assert str(ack.segment("MSA")(1)) == "AA"


def test_bytes_outside_a_frame_are_skipped(settings: Settings, database_url: str) -> None:
    with running_hl7_listener(settings, database_url) as port, _connect(port) as connection:
        connection.sendall(GOOD.replace(b"RIS0001", b"UNFRAMED") + b"\x1c\r")
        connection.sendall(b"\x0b" + GOOD + b"\x1c\r")
        ack = _read_ack(connection)
    assert _msa_code(ack) == "AA"
    assert b"|RIS0001" in ack
    assert _orders(database_url) == 1


def test_a_nul_character_is_refused_whole(settings: Settings, database_url: str) -> None:
    with running_hl7_listener(settings, database_url) as port, _connect(port) as connection:
        for nul in (b"\x00", b"\\X00\\"):
            connection.sendall(b"\x0b" + GOOD.replace(b"anticoagulants", b"anti" + nul) + b"\x1c\r")
            ack = _read_ack(connection)
            assert _msa_code(ack) == "AR"
            assert b"NUL character" in ack
    assert _orders(database_url) == 0


def test_a_value_longer_than_its_column_is_refused_by_name_and_nothing_stored(
    settings: Settings, database_url: str
) -> None:
    with running_hl7_listener(settings, database_url) as port, _connect(port) as connection:
        connection.sendall(b"\x0b" + GOOD.replace(b"ACC1001", b"A" * 100) + b"\x1c\r")
        ack = _read_ack(connection)
        assert _msa_code(ack) == "AE"
        assert b"accession number is longer than 64 characters" in ack
        connection.sendall(b"\x0b" + GOOD.replace(b"RIS0001", b"RIS0002") + b"\x1c\r")
        assert _msa_code(_read_ack(connection)) == "AA"
    assert _orders(database_url) == 1


def test_garbage_inside_a_frame_is_rejected(settings: Settings, database_url: str) -> None:
    with running_hl7_listener(settings, database_url) as port, _connect(port) as connection:
        for garbage in (b"\x00\xff\xfe", b"MSH", b"MSH|^~\\&|" + b"|" * 5000, b"\r\r\r"):
            connection.sendall(b"\x0b" + garbage + b"\x1c\r")
            assert _msa_code(_read_ack(connection)) == "AR"
    assert _orders(database_url) == 0


def test_two_messages_in_one_frame_are_refused_rather_than_one_answered(
    settings: Settings, database_url: str
) -> None:
    second = GOOD.replace(b"RIS0001", b"RIS0002").replace(b"ACC1001", b"ACC1002")
    with running_hl7_listener(settings, database_url) as port, _connect(port) as connection:
        connection.sendall(b"\x0b" + GOOD.rstrip(b"\r") + b"\r" + second + b"\x1c\r")
        ack = _read_ack(connection)
        assert _msa_code(ack) == "AR"
        assert b"is a second MSH: send one message per MLLP frame" in ack
        batch = b"BHS|^~\\&|RIS\r" + GOOD.rstrip(b"\r") + b"\rBTS|1\r"
        connection.sendall(b"\x0b" + batch + b"\x1c\r")
        assert b"a batch (FHS, BHS) is not read" in _read_ack(connection)
    assert _orders(database_url) == 0


def test_bytes_not_utf8_without_msh18_say_how_they_were_read(
    settings: Settings, database_url: str
) -> None:
    latin1 = GOOD.replace(b"DOE^JOHN", "MÜLLER^JÖRG".encode("latin-1"))
    with running_hl7_listener(settings, database_url) as port, _connect(port) as connection:
        connection.sendall(b"\x0b" + latin1 + b"\x1c\r")
        ack = _read_ack(connection)
    assert _msa_code(ack) == "AR"
    assert b"not UTF-8, as a message without MSH-18 is read: name its character set there" in ack
    assert _orders(database_url) == 0


@pytest.mark.slow
def test_ten_megabyte_message_is_refused_and_the_connection_goes_on(
    settings: Settings, database_url: str
) -> None:
    huge = GOOD.replace(b"NTE|1||", b"NTE|1||" + b"x" * 10_000_000)
    with running_hl7_listener(settings, database_url) as port, _connect(port) as connection:
        connection.sendall(b"\x0b" + huge + b"\x1c\r")
        refused = _read_ack(connection)
        connection.sendall(b"\x0b" + GOOD + b"\x1c\r")
        accepted = _read_ack(connection)
    assert _msa_code(refused) == "AR"
    assert b"larger than" in refused
    assert _msa_code(accepted) == "AA"
    assert _orders(database_url) == 1


def test_slow_sender_is_served_and_an_idle_one_closed(
    settings: Settings, database_url: str
) -> None:
    patient = settings.model_copy(update={"hl7_timeout": 2.0})
    frame = b"\x0b" + GOOD + b"\x1c\r"
    with running_hl7_listener(patient, database_url) as port:
        with _connect(port) as connection:
            for start in range(0, len(frame), len(frame) // 10 + 1):
                connection.sendall(frame[start : start + len(frame) // 10 + 1])
                time.sleep(0.1)
            assert _msa_code(_read_ack(connection)) == "AA"
        with _connect(port) as idle:
            started = time.monotonic()
            assert idle.recv(100) == b""
            assert 1.5 < time.monotonic() - started < 10


def _order_frame(number: int) -> bytes:
    message = GOOD.replace(b"RIS0001", b"PIPE%05d" % number).replace(b"ACC1001", b"PA%05d" % number)
    return b"\x0b" + message + b"\x1c\r"


def _control_id(ack: bytes) -> bytes:
    msa = next(line for line in ack.split(b"\r") if line.startswith(b"MSA"))
    return msa.split(b"|")[2]


def test_frames_sent_together_are_answered_each_in_order(
    settings: Settings, database_url: str
) -> None:
    with running_hl7_listener(settings, database_url) as port, _connect(port) as connection:
        connection.sendall(b"".join(_order_frame(number) for number in range(5)))
        acks = _read_acks(connection, 5)
    assert [_control_id(ack) for ack in acks] == [b"PIPE%05d" % number for number in range(5)]
    assert {_msa_code(ack) for ack in acks} == {"AA"}
    assert _orders(database_url) == 5


def test_a_sender_that_stops_sending_still_gets_its_answer(
    settings: Settings, database_url: str
) -> None:
    with running_hl7_listener(settings, database_url) as port, _connect(port) as connection:
        connection.sendall(_order_frame(1))
        connection.shutdown(socket.SHUT_WR)
        ack = _read_ack(connection)
        assert connection.recv(100) == b""
    assert _msa_code(ack) == "AA"
    assert _orders(database_url) == 1


def test_a_sender_not_reading_its_answers_holds_up_no_one_else(
    settings: Settings, database_url: str
) -> None:
    count = 1000  # about 500 KB of orders: more than the listener holds unanswered for a sender
    frames = b"".join(_order_frame(number) for number in range(count))
    with running_hl7_listener(settings, database_url) as port:
        with _connect(port) as flooding, _connect(port) as other:
            sending = threading.Thread(target=flooding.sendall, args=(frames,))
            sending.start()
            other.sendall(b"\x0b" + GOOD + b"\x1c\r")
            assert _msa_code(_read_ack(other)) == "AA"
            answers = b""
            while answers.count(b"\x1c\r") < count:
                answers += flooding.recv(65536)
            sending.join()
    assert answers.count(b"MSA|AA|") == count
    assert _orders(database_url) == count + 1
