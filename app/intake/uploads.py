"""An upload: the files of a form (DICOM files, or zips of them in nested folders) spooled as
they stream, then each instance filed under the listener's contract; the answer says what was
stored, per study and series, and what was skipped or refused, with why."""

from collections import Counter
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from app.dicomweb.spool import SpooledBody
from app.intake.zips import EntryRefused, ZipRefused, zip_entries
from dicom_listener.association import Peer
from dicom_listener.handlers import IngestHandlers
from dicom_listener.outcomes import AssociationTally
from dicom_listener.reception import PART10_PREAMBLE, ReceivedFile

ZIP_SIGNATURE = b"PK\x03\x04"


@dataclass(frozen=True)
class Passed:
    name: str
    reason: str


@dataclass
class UploadOutcome:
    # (study UID, series UID) → instances stored
    series: Counter[tuple[str, str]] = field(default_factory=Counter)
    skipped: list[Passed] = field(default_factory=list)
    refused: list[Passed] = field(default_factory=list)


def _file_fields_only(headers: dict[bytes, bytes]) -> str | None:
    return None if b"filename=" in headers.get(b"content-disposition", b"") else "not a file"


class Upload:
    """Fed chunk by chunk with `write`, then `file`d; always `discard` at the end."""

    def __init__(self, ingest: IngestHandlers, boundary: bytes) -> None:
        self._ingest = ingest
        self._incoming = ingest.storage.spool_dir
        self._body = SpooledBody(self._incoming, boundary, _file_fields_only)

    def write(self, chunk: bytes) -> None:
        self._body.write(chunk)

    def discard(self) -> None:
        self._body.discard()

    def file(self, source: str, address: str) -> UploadOutcome:
        outcome = UploadOutcome()
        tally = AssociationTally()
        for part in self._body.parts():
            name = part.filename or "(a form field)"
            if part.received is None:
                outcome.skipped.append(Passed(name, part.refusal or "empty"))
            elif _head(part.received).startswith(ZIP_SIGNATURE):
                self._file_zip(name, part.received, source, tally, outcome)
            else:
                self._file_one(name, part.received, source, tally, outcome)
        self._ingest.audit.ended(Peer(source, address), tally, aborted=False)
        return outcome

    def _file_zip(
        self,
        name: str,
        received: ReceivedFile,
        source: str,
        tally: AssociationTally,
        outcome: UploadOutcome,
    ) -> None:
        try:
            for entry, unpacked in zip_entries(received.path, self._incoming):
                label = f"{name}/{entry}"
                if isinstance(unpacked, EntryRefused):
                    outcome.refused.append(Passed(label, str(unpacked)))
                else:
                    self._file_one(label, unpacked, source, tally, outcome)
        except ZipRefused as refused:
            outcome.refused.append(Passed(name, str(refused)))

    def _file_one(
        self,
        name: str,
        received: ReceivedFile,
        source: str,
        tally: AssociationTally,
        outcome: UploadOutcome,
    ) -> None:
        if PurePosixPath(name).name.upper() == "DICOMDIR":
            outcome.skipped.append(Passed(name, "a DICOMDIR index: its files are read instead"))
            return
        if _head(received)[128:132] != PART10_PREAMBLE[128:]:
            outcome.skipped.append(Passed(name, "not a DICOM file"))
            return
        filing = self._ingest.file(received, source, tally)
        if filing.status.code != 0 or filing.identified is None:
            outcome.refused.append(Passed(name, filing.status.comment or "not stored"))
            return
        identified = filing.identified
        outcome.series[(identified.study_instance_uid, identified.series_instance_uid)] += 1


def _head(received: ReceivedFile) -> bytes:
    if received.content is not None:
        return received.content[:132]
    with received.path.open("rb") as stored:
        return stored.read(132)
