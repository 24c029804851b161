"""STOW-RS: the `application/dicom` parts of a body spooled as it streams, then every instance
filed under the listener's contract once the body proved whole: a broken request stores
nothing."""

from dataclasses import dataclass, field

from app.dicomweb.media import DICOM, StoreBody, part_media_type
from app.dicomweb.spool import SpooledBody, SpooledPart
from dicom_listener.association import Peer
from dicom_listener.dimse import Status
from dicom_listener.handlers import IngestHandlers
from dicom_listener.outcomes import CANNOT_UNDERSTAND, AssociationTally, Filing


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

    def __init__(
        self, ingest: IngestHandlers, body: StoreBody, only_study: str | None = None
    ) -> None:
        self._ingest = ingest
        self._only_study = only_study
        self._body = SpooledBody(ingest.storage.spool_dir, body.boundary, _dicom_parts_only)

    def write(self, chunk: bytes) -> None:
        self._body.write(chunk)

    def file(self, source: str, address: str) -> StoreOutcome:
        """File every instance, once the body is known whole; audited like an association.
        One of another study than the request names, when it names one, is refused; those of
        one series are filed together."""
        parts = self._body.parts()
        tally = AssociationTally()
        received = [part.received for part in parts if part.received is not None]
        filed = iter(self._ingest.file_together(received, source, tally, self._only_study))
        outcome = StoreOutcome(
            [next(filed) if part.received else _refused(part, tally) for part in parts]
        )
        self._ingest.audit.ended(Peer(source, address), tally, aborted=False)
        return outcome

    def discard(self) -> None:
        self._body.discard()


def _refused(part: SpooledPart, tally: AssociationTally) -> Filing:
    """A part refused on sight (not `application/dicom`, or empty)."""
    tally.failed += 1
    return Filing(Status(CANNOT_UNDERSTAND, part.refusal or "not a DICOM part"))
