"""STOW-RS: the `application/dicom` parts of a body spooled as it streams, then every instance
filed under the listener's contract once the body proved whole: a broken request stores
nothing."""

from dataclasses import dataclass, field

from app.dicomweb.media import DICOM, StoreBody, part_media_type
from app.dicomweb.spool import SpooledBody, SpooledPart
from dicom_listener.association import Peer
from dicom_listener.dimse import Status
from dicom_listener.handlers import CANNOT_UNDERSTAND, AssociationTally, Filing, IngestHandlers


@dataclass
class StoreOutcome:
    filings: list[Filing] = field(default_factory=list)

    @property
    def stored(self) -> int:
        return sum(1 for filing in self.filings if filing.status.code == 0)


def _dicom_parts_only(headers: dict[bytes, bytes]) -> str | None:
    kind = part_media_type(headers.get(b"content-type", DICOM.encode()))
    return None if kind == DICOM else f"a part of type {kind}, not {DICOM}"


class StoreRequest:
    """One STOW-RS request body: fed chunk by chunk with `write`, then `file`d; always `discard`
    the temp files at the end, whatever happened."""

    def __init__(self, ingest: IngestHandlers, body: StoreBody) -> None:
        self._ingest = ingest
        self._body = SpooledBody(ingest.storage.spool_dir, body.boundary, _dicom_parts_only)

    def write(self, chunk: bytes) -> None:
        self._body.write(chunk)

    def file(self, source: str, address: str, only_study: str | None) -> StoreOutcome:
        """File every instance, once the body is known whole; audited like an association."""
        parts = self._body.parts()
        tally = AssociationTally()
        outcome = StoreOutcome()
        for part in parts:
            outcome.filings.append(self._file_part(part, source, tally, only_study))
        self._ingest.ended(Peer(source, address), tally, aborted=False)
        return outcome

    def discard(self) -> None:
        self._body.discard()

    def _file_part(
        self, part: SpooledPart, source: str, tally: AssociationTally, only_study: str | None
    ) -> Filing:
        if part.received is None:
            tally.failed += 1
            return Filing(Status(CANNOT_UNDERSTAND, part.refusal or "not a DICOM part"))
        return self._ingest.file(part.received, source, tally, only_study)
