"""The outbound MLLP client reads its answer frame however the receiver's bytes arrive, and fails
a delivery clearly when the answer is missing or too large to be an acknowledgment."""

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from app.deliveries import mllp_client
from app.deliveries.answers import DeliveryFailed
from app.deliveries.mllp_client import MllpConnection
from app.hl7.framing import END_BLOCK, START_BLOCK

ACK = b"MSH|^~\\&|RIS|GEN|WORKLIST|RAD|20261206||ACK^R01|A1|P|2.5.1\rMSA|AE|M1|no such order\r"
RESULT = "MSH|^~\\&|WORKLIST|RAD|RIS|GEN|20261206||ORU^R01|M1|P|2.5.1\rMSA|AA|M1\r"


@contextmanager
def receiver(answer: list[bytes]) -> Iterator[str]:
    """A one-connection receiver that reads a message, then writes `answer` piece by piece."""
    listening = socket.create_server(("127.0.0.1", 0))
    port = listening.getsockname()[1]

    def serve() -> None:
        connection, _ = listening.accept()
        with connection:
            connection.recv(65536)
            for piece in answer:
                connection.sendall(piece)
                time.sleep(0.01)

    serving = threading.Thread(target=serve)
    serving.start()
    try:
        yield f"127.0.0.1:{port}"
    finally:
        serving.join(10)
        listening.close()


def test_an_answer_in_pieces_after_stray_bytes_is_read_whole() -> None:
    framed = START_BLOCK + ACK + END_BLOCK
    with receiver([b"\r\n", framed[:5], framed[5:-1], framed[-1:]]) as destination:
        with MllpConnection(destination, timeout=5) as connection:
            answer = connection.send(RESULT)

    assert (answer.code, answer.text, answer.accepted) == ("AE", "no such order", False)


def test_a_receiver_closing_without_an_answer_fails_the_delivery() -> None:
    with receiver([START_BLOCK + ACK[:20]]) as destination:
        with MllpConnection(destination, timeout=5) as connection:
            with pytest.raises(DeliveryFailed, match="closed the connection before answering"):
                connection.send(RESULT)


def test_an_answer_too_large_for_an_acknowledgment_fails_the_delivery(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(mllp_client, "MAX_ACK_BYTES", 100)
    with receiver([START_BLOCK + b"x" * 300, ACK + END_BLOCK]) as destination:
        with MllpConnection(destination, timeout=5) as connection:
            with pytest.raises(DeliveryFailed, match="larger than an acknowledgment"):
                connection.send(RESULT)


def test_an_answer_to_another_message_does_not_settle_this_one() -> None:
    framed = START_BLOCK + ACK.replace(b"|M1|", b"|M0|") + END_BLOCK
    with receiver([framed]) as destination:
        with MllpConnection(destination, timeout=5) as connection:
            with pytest.raises(DeliveryFailed, match="acknowledges message 'M0', not 'M1'"):
                connection.send(RESULT)


def test_an_answer_leaving_out_the_message_id_answers_the_message_sent() -> None:
    framed = START_BLOCK + b"MSH|^~\\&|RIS|GEN|||20261206||ACK|A1|P|2.5.1\rMSA|AA\r" + END_BLOCK
    with receiver([framed]) as destination:
        with MllpConnection(destination, timeout=5) as connection:
            answer = connection.send(RESULT)

    assert (answer.code, answer.accepted) == ("AA", True)
