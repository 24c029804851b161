"""Sending one HL7 message over MLLP and reading its acknowledgment."""

import socket

import hl7

from app.deliveries.answers import Acknowledgment, DeliveryFailed
from app.hl7.framing import Unframer, frame

MAX_ACK_BYTES = 1_048_576
ACCEPTED = ("AA", "CA")


class MllpConnection:
    """A connection to a destination, reused for the messages sent to it in one run.

    Some receivers close the connection after each answer: a message that finds the reused
    connection closed is sent again once on a new one (it cannot have been read).
    """

    def __init__(self, destination: str, timeout: float) -> None:
        host, _, port = destination.rpartition(":")
        self._address = (host, int(port))
        self._destination = destination
        self._timeout = timeout
        self._socket: socket.socket | None = None

    def __enter__(self) -> "MllpConnection":
        return self

    def __exit__(self, *_: object) -> None:
        self._close()

    def send(self, message: str) -> Acknowledgment:
        reused = self._socket is not None
        try:
            return self._exchange(message)
        except DeliveryFailed:
            self._close()
            if not reused:
                raise
            return self._exchange(message)

    def _exchange(self, message: str) -> Acknowledgment:
        try:
            if self._socket is None:
                self._socket = socket.create_connection(self._address, timeout=self._timeout)
            self._socket.sendall(frame(message.encode("utf-8")))
            return _acknowledgment(self._read_frame(), _control_id(message))
        except OSError as error:
            raise DeliveryFailed(f"{self._destination}: {error}") from error

    def _close(self) -> None:
        if self._socket is not None:
            self._socket.close()
            self._socket = None

    def _read_frame(self) -> bytes:
        assert self._socket is not None
        unframer = Unframer(MAX_ACK_BYTES)
        while True:
            chunk = self._socket.recv(65536)
            if not chunk:
                raise DeliveryFailed("the destination closed the connection before answering")
            for content in unframer.feed(chunk):
                if content is None:
                    raise DeliveryFailed("the answer is larger than an acknowledgment can be")
                return content


def _control_id(message: str) -> str:
    """MSH-10 of a message we wrote, read off its first line (parsing it whole would take
    longer than sending it)."""
    header = message.split("\r", 1)[0]
    fields = header.split(header[3:4])
    return fields[9] if len(fields) > 9 else ""


def _acknowledgment(content: bytes, sent_control_id: str) -> Acknowledgment:
    """The answer's code and text, when it answers the message sent (MSA-2 is its MSH-10).

    An answer naming another message (one sent before, answered late) says nothing of this one.
    An empty MSA-2 is taken as this message's: a receiver on one connection, answering in order,
    that leaves out the id it must echo still answered what it was sent.
    """
    try:
        message = hl7.parse(content.decode("utf-8", errors="replace"))
        msa = message.segment("MSA")
    except Exception as error:  # the parser raises many kinds on broken input
        raise DeliveryFailed("the answer is not an HL7 acknowledgment") from error
    answered_control_id = str(msa(2)).strip() if len(msa) > 2 else ""
    if answered_control_id not in ("", sent_control_id):
        raise DeliveryFailed(
            f"the answer acknowledges message {answered_control_id!r}, not {sent_control_id!r}"
        )
    text = msa.extract_field(1, 3) if len(msa) > 3 else ""
    code = str(msa(1)).strip().upper()
    return Acknowledgment(code=code, text=str(text), accepted=code in ACCEPTED)
