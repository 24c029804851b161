"""C-STORE, C-ECHO and association handlers: decode, map, call the service, answer a status.

No exception leaves a handler: every failure becomes a named DICOM status.
"""

import errno
import logging
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydicom import Dataset
from pynetdicom import evt
from pynetdicom.events import EventHandlerType
from sqlalchemy.exc import DataError, SQLAlchemyError

from app.audit.events import AuditAction, Outcome
from app.audit.service import record_apart
from app.auth.principal import Principal
from app.db.session import session_scope
from app.studies.records import IdentifiedInstance, Receipt, ReceivedInstance, SeriesKey
from app.studies.service import (
    file_instance_of_series,
    note_distinct_orientations,
    record_parents,
)
from dicom_listener import metrics, storage
from dicom_listener.database import run_single_statement
from dicom_listener.known_series import KnownSeries, TouchSchedule
from dicom_listener.metadata import (
    MissingIdentifiers,
    UnusableDataset,
    identify,
    read_header,
    received_instance,
)

logger = logging.getLogger(__name__)

SUCCESS = 0x0000
OUT_OF_RESOURCES = 0xA700
CANNOT_UNDERSTAND = 0xC000
CANNOT_UNDERSTAND_IDENTIFIERS = 0xC001


@dataclass
class AssociationTally:
    stored: int = 0
    duplicates: int = 0
    failed: int = 0
    bytes: int = 0


class IngestHandlers:
    """The listener's event handlers, bound to one database and one storage folder."""

    def __init__(
        self, database_url: str, storage_dir: Path, quarantine_dir: Path, touch_interval: float
    ) -> None:
        self.database_url = database_url
        self.storage_dir = storage_dir
        self.quarantine_dir = quarantine_dir
        self.known_series = KnownSeries()
        self.touches = TouchSchedule(touch_interval)
        self._tallies: dict[int, AssociationTally] = {}
        self._lock = threading.Lock()

    def bindings(self) -> list[EventHandlerType]:
        return [
            (evt.EVT_C_STORE, self.on_store),
            (evt.EVT_C_ECHO, self.on_echo),
            (evt.EVT_ACCEPTED, self.on_accepted),
            (evt.EVT_REJECTED, self.on_rejected),
            (evt.EVT_RELEASED, self.on_ended),
            (evt.EVT_ABORTED, self.on_ended),
        ]

    def on_echo(self, event: evt.Event) -> int:
        return SUCCESS

    def on_store(self, event: evt.Event) -> int | Dataset:
        tally = self._tally(event)
        try:
            status = self._store(event, tally)
        except Exception:
            logger.exception("C-STORE failed unexpectedly")
            status = _failure(OUT_OF_RESOURCES, "internal error")
        if isinstance(status, Dataset):
            tally.failed += 1
            metrics.FAILURES.labels(status=f"0x{status.Status:04X}").inc()
        return status

    def _store(self, event: evt.Event, tally: AssociationTally) -> int | Dataset:
        received_file = Path(event.dataset_path)
        calling_ae = event.assoc.requestor.ae_title
        try:
            header = read_header(received_file)
            identified = identify(header)
            uids = identified.study_instance_uid, identified.series_instance_uid
            parents = self.known_series.get(uids)
            received = None if parents else received_instance(header)
        except UnusableDataset as error:
            return self._quarantine(received_file, error)
        relative = storage.relative_path(*uids, identified.instance.sop_instance_uid)
        size = received_file.stat().st_size
        receipt = Receipt(relative, size, calling_ae, datetime.now(UTC))
        linked = False
        try:
            linked = storage.file_durably(received_file, self.storage_dir, relative)
            if received is not None:
                parents, added = self._file_with_parents(received, receipt)
            else:
                assert parents is not None
                added = self._file_in_known_series(parents, identified, receipt)
            if linked and not added:
                # A known SOP Instance UID under other study or series UIDs: the original stays
                # the only copy, so no file is left behind without a row.
                (self.storage_dir / relative).unlink(missing_ok=True)
        except DataError as error:
            self.known_series.forget(uids)
            return self._refuse_value(received_file, relative if linked else None, error)
        except (OSError, SQLAlchemyError) as error:
            self.known_series.forget(uids)
            logger.warning(
                "C-STORE deferred: storage or database unavailable",
                extra={
                    "sop_instance_uid": identified.instance.sop_instance_uid,
                    "error": _kind_of(error),
                },
            )
            return _failure(OUT_OF_RESOURCES, "storage or database unavailable, retry later")
        self.known_series.remember(uids, parents, identified.orientation)
        self._count(tally, added, size)
        return SUCCESS

    def _file_with_parents(
        self, received: ReceivedInstance, receipt: Receipt
    ) -> tuple[SeriesKey, bool]:
        """The first instance of a series here: study, series and instance in one transaction."""
        with session_scope(self.database_url) as session:
            parents = record_parents(session, received, receipt)
            touch = self.touches.due(parents.study_id)
            added = file_instance_of_series(session, parents, received.instance, receipt, touch)
        return parents, added

    def _file_in_known_series(
        self, parents: SeriesKey, identified: IdentifiedInstance, receipt: Receipt
    ) -> bool:
        touch = self.touches.due(parents.study_id)
        instance = identified.instance
        added = run_single_statement(
            self.database_url,
            lambda session: file_instance_of_series(session, parents, instance, receipt, touch),
        )
        uids = identified.study_instance_uid, identified.series_instance_uid
        planes = self.known_series.note_orientation(uids, identified.orientation)
        if added and planes:
            run_single_statement(
                self.database_url,
                lambda session: note_distinct_orientations(session, parents.series_id, planes),
            )
        return added

    def _refuse_value(self, received_file: Path, filed: str | None, error: DataError) -> Dataset:
        """The database refuses a header value (a NUL in text, a number out of range): the
        sender's fault, so a failure status and quarantine, never a retry or a stray file."""
        if filed is not None:
            (self.storage_dir / filed).unlink(missing_ok=True)
        refused = UnusableDataset(f"cannot store a header value: {type(error.orig).__name__}")
        return self._quarantine(received_file, refused)

    def _quarantine(self, received_file: Path, error: UnusableDataset) -> Dataset:
        reason = str(error)
        kept = storage.quarantine(received_file, self.quarantine_dir, reason)
        logger.warning("dataset quarantined", extra={"reason": reason, "file": kept.name})
        status = (
            CANNOT_UNDERSTAND_IDENTIFIERS
            if isinstance(error, MissingIdentifiers)
            else CANNOT_UNDERSTAND
        )
        return _failure(status, reason)

    def _count(self, tally: AssociationTally, added: bool, size: int) -> None:
        if added:
            tally.stored += 1
            tally.bytes += size
            metrics.BYTES.inc(size)
        else:
            tally.duplicates += 1
        metrics.INSTANCES.labels(outcome="stored" if added else "duplicate").inc()

    def on_accepted(self, event: evt.Event) -> None:
        metrics.ASSOCIATIONS.labels(result="accepted").inc()
        with self._lock:
            self._tallies[id(event.assoc)] = AssociationTally()

    def on_rejected(self, event: evt.Event) -> None:
        metrics.ASSOCIATIONS.labels(result="rejected").inc()
        self._audit(
            event,
            AuditAction.SECURITY_ALERT,
            Outcome.MINOR_FAILURE,
            {"reason": "association rejected", "called_ae": event.assoc.acceptor.ae_title},
        )

    def on_tls_refused(self, address: str, reason: str) -> None:
        """A peer that never got as far as an association: no valid certificate, or no TLS."""
        metrics.ASSOCIATIONS.labels(result="rejected").inc()
        peer = Principal(name="unidentified DICOM peer", role=None, source_address=address)
        details = {"reason": reason}
        self._write_audit(peer, AuditAction.SECURITY_ALERT, Outcome.MINOR_FAILURE, details)

    def on_ended(self, event: evt.Event) -> None:
        with self._lock:
            tally = self._tallies.pop(id(event.assoc), None)
        if tally is None:
            return
        action = AuditAction.INSTANCES_TRANSFERRED if tally.stored else AuditAction.NETWORK_ENTRY
        outcome = Outcome.MINOR_FAILURE if tally.failed else Outcome.SUCCESS
        details = {
            "stored": tally.stored,
            "duplicates": tally.duplicates,
            "failed": tally.failed,
            "bytes": tally.bytes,
            "ended": "aborted" if event.event is evt.EVT_ABORTED else "released",
        }
        self._audit(event, action, outcome, details)

    def _tally(self, event: evt.Event) -> AssociationTally:
        with self._lock:
            return self._tallies.setdefault(id(event.assoc), AssociationTally())

    def _audit(
        self, event: evt.Event, action: AuditAction, outcome: Outcome, details: dict[str, Any]
    ) -> None:
        """Audit an event of this association under its calling peer."""
        requestor = event.assoc.requestor
        peer = Principal.dicom_peer(requestor.ae_title, requestor.address)
        self._write_audit(peer, action, outcome, details)

    def _write_audit(
        self, peer: Principal, action: AuditAction, outcome: Outcome, details: dict[str, Any]
    ) -> None:
        """One audit row per association; a database outage loses the row, never the listener."""
        try:
            record_apart(
                self.database_url,
                peer,
                action,
                object_type="association",
                outcome=outcome,
                details=details,
            )
        except Exception:
            logger.exception("association audit not written", extra={"action": action.value})


def _kind_of(error: OSError | SQLAlchemyError) -> str:
    """What went wrong, without the message: a database error's detail can quote a header value."""
    if isinstance(error, OSError):
        return f"{type(error).__name__} {errno.errorcode.get(error.errno or 0, error.errno)}"
    cause = getattr(error, "orig", None)
    return type(error).__name__ + (f" ({type(cause).__name__})" if cause is not None else "")


def _failure(status: int, comment: str) -> Dataset:
    answer = Dataset()
    answer.Status = status
    answer.ErrorComment = comment[:64]
    return answer
