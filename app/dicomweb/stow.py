"""STOW-RS: a multipart body parsed as it streams, each part spooled to a temp file in storage,
then every instance filed under the listener's contract once the body proved whole.

Memory stays flat: parts go to disk as their bytes arrive. Nothing is filed from a body that
turns out malformed or truncated, so a broken request stores nothing.
"""

from dataclasses import dataclass, field

from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser

from app.dicomweb.media import DICOM, MalformedRequest, StoreBody, part_media_type
from dicom_listener import storage
from dicom_listener.association import Peer
from dicom_listener.dimse import Status
from dicom_listener.handlers import CANNOT_UNDERSTAND, AssociationTally, Filing, IngestHandlers
from dicom_listener.reception import PART10_PREAMBLE, ReceivedFile, Reception

MAX_PARTS = 10_000


@dataclass
class _Part:
    """One part of the body: its bytes on disk, or why it was refused on sight."""

    reception: Reception | None
    refusal: str | None = None
    received: ReceivedFile | None = None


@dataclass
class StoreOutcome:
    filings: list[Filing] = field(default_factory=list)

    @property
    def stored(self) -> int:
        return sum(1 for filing in self.filings if filing.status.code == 0)


class StoreRequest:
    """One STOW-RS request body: fed chunk by chunk with `write`, then `file`d; always `discard`
    the temp files at the end, whatever happened."""

    def __init__(self, ingest: IngestHandlers, body: StoreBody) -> None:
        self._ingest = ingest
        self._incoming = storage.incoming_dir(ingest.storage_dir)
        self._parts: list[_Part] = []
        self._header_name = b""
        self._header_value = b""
        self._part_type = DICOM
        self._ended = False
        self._parser = MultipartParser(
            body.boundary,
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
        for part in self._parts:
            if part.reception is not None and part.reception.error is not None:
                raise part.reception.error

    def file(self, source: str, address: str, only_study: str | None) -> StoreOutcome:
        """File every instance, once the body is known whole; audited like an association."""
        if not self._ended:
            raise MalformedRequest("the body ends before its closing boundary")
        if not self._parts:
            raise MalformedRequest("the body holds no parts")
        tally = AssociationTally()
        outcome = StoreOutcome()
        for part in self._parts:
            outcome.filings.append(self._file_part(part, source, tally, only_study))
        self._ingest.ended(Peer(source, address), tally, aborted=False)
        return outcome

    def discard(self) -> None:
        """Remove the temp files: a filed instance has its own link in storage by now."""
        for part in self._parts:
            if part.reception is not None:
                part.reception.discard()

    def _file_part(
        self, part: _Part, source: str, tally: AssociationTally, only_study: str | None
    ) -> Filing:
        if part.received is None:
            tally.failed += 1
            return Filing(Status(CANNOT_UNDERSTAND, part.refusal or "not a DICOM part"))
        return self._ingest.file(part.received, source, tally, only_study)

    def _part_begins(self) -> None:
        if len(self._parts) >= MAX_PARTS:
            raise MalformedRequest(f"a request holds at most {MAX_PARTS} instances")
        self._part_type = DICOM
        self._parts.append(_Part(None))

    def _header_field(self, data: bytes, start: int, end: int) -> None:
        self._header_name += data[start:end]

    def _header_value_data(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def _header_ends(self) -> None:
        if self._header_name.strip().lower() == b"content-type":
            self._part_type = part_media_type(self._header_value)
        self._header_name = self._header_value = b""

    def _headers_finished(self) -> None:
        part = self._parts[-1]
        if self._part_type != DICOM:
            part.refusal = f"a part of type {self._part_type}, not {DICOM}"

    def _part_data(self, data: bytes, start: int, end: int) -> None:
        part = self._parts[-1]
        if part.refusal is not None:
            return
        if part.reception is None:
            part.reception = Reception(self._incoming, _missing_preamble(data[start:end]))
        part.reception.write(memoryview(data)[start:end])

    def _part_ends(self) -> None:
        part = self._parts[-1]
        if part.reception is not None:
            part.received = part.reception.finish()
        elif part.refusal is None:
            part.refusal = "an empty part"

    def _body_ends(self) -> None:
        self._ended = True


def _missing_preamble(first_bytes: bytes) -> bytes:
    """The preamble and `DICM` some clients leave out (pydicom writes a data set read without
    them that way): a part starting right at its file meta group gets them back."""
    return PART10_PREAMBLE if first_bytes.startswith(b"\x02\x00") else b""
