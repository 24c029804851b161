"""MLLP frames read out of a byte stream however its bytes are cut."""

import tracemalloc

import pytest

from app.hl7.framing import Unframer, frame

MESSAGE = b"MSH|^~\\&|RIS|GEN|||20260101||ORM^O01|1|P|2.3\rPID|1||P1\r"


def _feed_in_pieces(stream: bytes, size: int, max_bytes: int = 1024) -> list[bytes | None]:
    unframer = Unframer(max_bytes)
    frames: list[bytes | None] = []
    for start in range(0, len(stream), size):
        frames += unframer.feed(stream[start : start + size])
    return frames


@pytest.mark.parametrize("size", [1, 2, 3, 7, 64, 10_000])
def test_frames_are_read_whatever_the_pieces(size: int) -> None:
    stream = frame(MESSAGE) + frame(b"second") + frame(b"")

    assert _feed_in_pieces(stream, size) == [MESSAGE, b"second", b""]


@pytest.mark.parametrize("size", [1, 5, 10_000])
def test_bytes_outside_frames_are_skipped(size: int) -> None:
    stream = b"GET / HTTP/1.1\r\n" + frame(b"one") + b"\x1c\r stray \r\n" + frame(b"two")

    assert _feed_in_pieces(stream, size) == [b"one", b"two"]


def test_a_frame_not_yet_ended_is_kept_for_the_next_bytes() -> None:
    unframer = Unframer(1024)

    assert unframer.feed(b"\x0bpart one, ") == []
    assert unframer.feed(b"part two\x1c") == []
    assert unframer.feed(b"\r\x0bnext") == [b"part one, part two"]


@pytest.mark.parametrize("size", [1, 100, 100_000])
def test_an_oversized_frame_is_reported_once_ended_and_the_next_one_read(size: int) -> None:
    stream = frame(b"x" * 5000) + frame(MESSAGE)

    assert _feed_in_pieces(stream, size, max_bytes=1024) == [None, MESSAGE]


def test_a_frame_of_exactly_the_limit_is_taken() -> None:
    assert _feed_in_pieces(frame(b"y" * 1024), 1000, max_bytes=1024) == [b"y" * 1024]
    assert _feed_in_pieces(frame(b"y" * 1025), 1000, max_bytes=1024) == [None]


def test_an_oversized_frame_is_not_held_in_memory() -> None:
    unframer = Unframer(1024)
    piece = b"z" * 10_000
    tracemalloc.start()
    try:
        unframer.feed(b"\x0b")
        for _ in range(1000):  # 10 MB
            unframer.feed(piece)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert peak < 100_000
    assert unframer.feed(b"\x1c\r") == [None]
