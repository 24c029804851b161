"""A multipart body parsed as it streams, each part spooled to a temp file in storage.

Memory stays flat: a part's bytes go to disk as they arrive. Whoever spools decides, from a
part's headers, whether it is worth keeping; `parts()` hands them over only once the body has
proved whole, and `discard()` removes every temp file whatever happened.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header

from app.dicomweb.media import MalformedRequest
from dicom_listener.reception import PART10_PREAMBLE, ReceivedFile, Reception

MAX_PARTS = 10_000

# Given a part's headers (lower-case names), why it is refused, or None to keep it.
Admission = Callable[[dict[bytes, bytes]], str | None]


@dataclass
class SpooledPart:
    """One part of the body: its bytes on disk, or why it was refused on sight."""

    headers: dict[bytes, bytes] = field(default_factory=dict)
    refusal: str | None = None
    reception: Reception | None = None
    received: ReceivedFile | None = None

    @property
    def filename(self) -> str | None:
        """The name a form's file field gave, for the answer only: never used as a path."""
        _, options = parse_options_header(self.headers.get(b"content-disposition", b""))
        name = options.get(b"filename")
        return name.decode("utf-8", "replace") if name is not None else None


class SpooledBody:
    def __init__(self, incoming: Path, boundary: bytes, admission: Admission) -> None:
        self._incoming = incoming
        self._admission = admission
        self._parts: list[SpooledPart] = []
        self._header_name = b""
        self._header_value = b""
        self._ended = False
        self._parser = MultipartParser(
            boundary,
            {
                "on_part_begin": self._part_begins,
                "on_header_field": self._header_field,
                "on_header_value": self._header_value_data,
                "on_header_end": self._header_ends,
                "on_headers_finished": self._headers_finished,
                "on_part_data": self._part_data,
                "on_part_end": self._part_ends,
                "on_end": self._body_ends,
            },
        )

    def write(self, chunk: bytes) -> None:
        if self._ended:
            return  # the epilogue after the closing boundary carries nothing
        try:
            self._parser.write(chunk)
        except MultipartParseError as error:
            raise MalformedRequest(f"the multipart body does not parse: {error}") from error
        current = self._parts[-1].reception if self._parts else None
        if current is not None and current.error is not None:
            raise current.error

    def parts(self) -> list[SpooledPart]:
        """Every part, once the body is known whole."""
        if not self._ended:
            raise MalformedRequest("the body ends before its closing boundary")
        if not self._parts:
            raise MalformedRequest("the body holds no parts")
        return self._parts

    def discard(self) -> None:
        """Remove the temp files: a filed instance has its own link in storage by now."""
        for part in self._parts:
            if part.reception is not None:
                part.reception.discard()

    def _part_begins(self) -> None:
        if len(self._parts) >= MAX_PARTS:
            raise MalformedRequest(f"a request holds at most {MAX_PARTS} parts")
        self._parts.append(SpooledPart())

    def _header_field(self, data: bytes, start: int, end: int) -> None:
        self._header_name += data[start:end]

    def _header_value_data(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def _header_ends(self) -> None:
        self._parts[-1].headers[self._header_name.strip().lower()] = self._header_value.strip()
        self._header_name = self._header_value = b""

    def _headers_finished(self) -> None:
        part = self._parts[-1]
        part.refusal = self._admission(part.headers)

    def _part_data(self, data: bytes, start: int, end: int) -> None:
        part = self._parts[-1]
        if part.refusal is not None:
            return
        if part.reception is None:
            part.reception = Reception(self._incoming, missing_preamble(data[start:end]))
        part.reception.write(memoryview(data)[start:end])

    def _part_ends(self) -> None:
        part = self._parts[-1]
        if part.reception is not None:
            part.received = part.reception.finish()
        elif part.refusal is None:
            part.refusal = "an empty part"

    def _body_ends(self) -> None:
        self._ended = True


def missing_preamble(first_bytes: bytes) -> bytes:
    """The preamble and `DICM` some clients leave out (pydicom writes a data set read without
    them that way): a file starting right at its file meta group gets them back."""
    return PART10_PREAMBLE if first_bytes.startswith(b"\x02\x00") else b""
