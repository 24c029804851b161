"""What the listener does with associations and the instances they bring: file, record, audit.

No exception leaves `store`: every failure becomes a named DICOM status.
"""

import errno
import logging
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydicom import Dataset
from sqlalchemy.exc import DataError, SQLAlchemyError

from app.audit.events import AuditAction, Outcome
from app.audit.service import record_apart
from app.db.session import session_scope
from app.db.single_statement import run_single_statement
from app.principal import Principal
from app.settings import Settings
from app.storage.quarantine import quarantine
from app.storage.store import Storage, instance_key, storage_of
from app.studies.records import (
    IdentifiedInstance,
    Receipt,
    ReceivedInstance,
    SeriesHeaderUpdate,
    SeriesKey,
)
from app.studies.service import (
    complete_series_header,
    file_instance_of_series,
    record_parents,
)
from dicom_listener import metrics
from dicom_listener.association import Peer
from dicom_listener.dimse import Status
from dicom_listener.filed import remove_unless_recorded
from dicom_listener.known_series import KnownSeries, TouchSchedule
from dicom_listener.metadata import (
    MissingIdentifiers,
    UnusableDataset,
    identify,
    read_header,
    received_instance,
    series_header,
)
from dicom_listener.raw_identifiers import identify_raw
from dicom_listener.reception import ReceivedFile

logger = logging.getLogger(__name__)

SUCCESS = 0x0000
OUT_OF_RESOURCES = 0xA700
CANNOT_UNDERSTAND = 0xC000
CANNOT_UNDERSTAND_IDENTIFIERS = 0xC001


@dataclass(frozen=True)
class Filing:
    """An instance's outcome: its status, and what it is when it could be identified."""

    status: Status
    identified: IdentifiedInstance | None = None


# An instance whose study is not the one its request names (STOW-RS to one study).
OTHER_STUDY = 0x0110


@dataclass
class AssociationTally:
    stored: int = 0
    duplicates: int = 0
    failed: int = 0
    bytes: int = 0
    # Failed instances by the status answered ("0xA700": 2), summed on the ingest dashboard.
    failures: dict[str, int] = field(default_factory=dict)


class IngestHandlers:
    """What the listener does for its associations, bound to one database and one storage."""

    def __init__(
        self,
        database_url: str,
        storage: Storage,
        touch_interval: float,
        outside_sources: frozenset[str] | None = frozenset(),
    ) -> None:
        self.database_url = database_url
        self.storage = storage
        # Senders whose patient ids are not the hospital's; None: every sender is outside.
        self.outside_sources = outside_sources
        self.known_series = KnownSeries()
        self.touches = TouchSchedule(touch_interval)

    @classmethod
    def for_settings(
        cls, settings: Settings, database_url: str, *, outside: bool = False
    ) -> "IngestHandlers":
        """Filing into the configured storage, made ready. With `outside` (the web's doors),
        every sender is outside; else those the settings name."""
        filed_in = storage_of(settings)
        filed_in.prepare()
        # Often enough that no study looks quiet while it arrives; rarely enough to spare its
        # row lock.
        touch_interval = min(1.0, settings.stable_after / 4)
        outside_sources = None if outside else frozenset(settings.outside_calling_aets)
        return cls(database_url, filed_in, touch_interval, outside_sources)

    def accepted(self, peer: Peer) -> "AssociationReceiver":
        metrics.ASSOCIATIONS.labels(result="accepted").inc()
        return AssociationReceiver(self, peer)

    def store(self, received: ReceivedFile, calling_ae: str, tally: AssociationTally) -> Status:
        return self.file(received, calling_ae, tally).status

    def file(
        self,
        received: ReceivedFile,
        source: str,
        tally: AssociationTally,
        only_study: str | None = None,
    ) -> Filing:
        """File one received instance from `source` (an AE title, or a web client's name);
        one of another study than `only_study`, when given, is refused."""
        try:
            filing = self._store(received, source, tally, only_study)
        except Exception:
            logger.exception("storing an instance failed unexpectedly")
            filing = Filing(Status(OUT_OF_RESOURCES, "internal error"))
        _counted_failure(filing.status, tally)
        return filing

    def unreceived(self, error: OSError, tally: AssociationTally) -> Status:
        """The data set could not even be written to a temp file."""
        return _counted_failure(_deferred("(not received)", error), tally)

    def _store(
        self,
        received: ReceivedFile,
        calling_ae: str,
        tally: AssociationTally,
        only_study: str | None,
    ) -> Filing:
        try:
            identified, header = self._identify(received)
        except UnusableDataset as error:
            return Filing(self._quarantine(received.path, error))
        if only_study is not None and identified.study_instance_uid != only_study:
            return Filing(Status(OTHER_STUDY, "instance of another study"), identified)
        return Filing(
            self._store_identified(received, identified, header, calling_ae, tally), identified
        )

    def _store_identified(
        self,
        received: ReceivedFile,
        identified: IdentifiedInstance,
        header: Dataset | None,
        calling_ae: str,
        tally: AssociationTally,
    ) -> Status:
        uids = _series_uids(identified)
        parents = self.known_series.get(uids)
        if parents is not None:
            return self._file(received, identified, parents, calling_ae, tally)
        # Associations bringing the same new series wait for the first to record it, then take
        # the short path: one slow path per series, not one per association.
        with self.known_series.first_instance_lock(uids):
            parents = self.known_series.get(uids)
            if parents is not None:
                return self._file(received, identified, parents, calling_ae, tally)
            try:
                if header is None:
                    header = read_header(received.content or received.path)
                first = received_instance(header)
            except UnusableDataset as error:
                return self._quarantine(received.path, error)
            return self._file(received, identified, first, calling_ae, tally)

    def _identify(self, received: ReceivedFile) -> tuple[IdentifiedInstance, Dataset | None]:
        """The instance's identifiers, from its bytes when they walk cleanly, else with pydicom
        (and then with the header it read); raises UnusableDataset."""
        identified = identify_raw(received.content) if received.content else None
        if identified is not None:
            return identified, None
        header = read_header(received.content or received.path)
        return identify(header), header

    def _file(
        self,
        received: ReceivedFile,
        identified: IdentifiedInstance,
        series: SeriesKey | ReceivedInstance,
        calling_ae: str,
        tally: AssociationTally,
    ) -> Status:
        """File the instance under its recorded `series`, or record the series from the first
        instance's whole header."""
        uids = _series_uids(identified)
        relative = instance_key(*uids, identified.instance.sop_instance_uid)
        outside = self.outside_sources is None or calling_ae in self.outside_sources
        receipt = Receipt(relative, received.size, calling_ae, datetime.now(UTC), outside)
        sop_instance_uid = identified.instance.sop_instance_uid
        linked = False
        try:
            linked = self.storage.instances.put_new(received.path, relative)
            if isinstance(series, SeriesKey):
                parents, added = series, self._file_in_known_series(series, identified, receipt)
            else:
                parents, added = self._file_with_parents(series, receipt)
            if linked and not added:
                added = not remove_unless_recorded(
                    self.database_url, self.storage.instances, relative, sop_instance_uid
                )
        except DataError as error:
            self.known_series.forget(uids)
            filed = relative if linked else None
            return self._refuse_value(received.path, filed, sop_instance_uid, error)
        except (OSError, SQLAlchemyError) as error:
            self.known_series.forget(uids)
            return _deferred(identified.instance.sop_instance_uid, error)
        recorded = None if isinstance(series, SeriesKey) else series.series.header
        self.known_series.remember(uids, parents, identified, recorded)
        self._count(tally, added, received.size)
        return Status(SUCCESS)

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
            lambda db: file_instance_of_series(db, parents, instance, receipt, touch),
        )
        update = self.known_series.note_instance(_series_uids(identified), identified)
        if added and update:
            if update.first_image:
                update = self._with_image_header(identified, update, receipt)
            complete = update
            run_single_statement(
                self.database_url,
                lambda db: complete_series_header(db, parents.series_id, complete),
            )
        return added

    def _with_image_header(
        self, identified: IdentifiedInstance, update: SeriesHeaderUpdate, receipt: Receipt
    ) -> SeriesHeaderUpdate:
        """The series was recorded from an object without images; this first image's header
        speaks for it from now on (the classifier leaves objects without images out)."""
        try:
            with self.storage.instances.open(receipt.storage_path) as stored:
                header = series_header(stored)
        except (UnusableDataset, OSError):
            return update  # filed as it came; its series keeps the header it has
        self.known_series.header_replaced(_series_uids(identified), header)
        return replace(update, header=header)

    def _refuse_value(
        self, received_file: Path, filed: str | None, sop_instance_uid: str, error: DataError
    ) -> Status:
        """The database refuses a header value (a NUL in text, a number out of range): the
        sender's fault, so a failure status and quarantine, never a retry or a stray file."""
        if filed is not None:
            try:
                remove_unless_recorded(
                    self.database_url, self.storage.instances, filed, sop_instance_uid
                )
            except (OSError, SQLAlchemyError) as unchecked:
                logger.warning(
                    "refused instance's file kept: its row could not be checked",
                    extra={"sop_instance_uid": sop_instance_uid, "error": kind_of_error(unchecked)},
                )
        refused = UnusableDataset(f"cannot store a header value: {type(error.orig).__name__}")
        return self._quarantine(received_file, refused)

    def _quarantine(self, received_file: Path, error: UnusableDataset) -> Status:
        reason = str(error)
        try:
            kept = quarantine(self.storage.quarantine, received_file, reason)
        except OSError as unkept:
            return _deferred("(refused, not quarantined)", unkept)
        logger.warning("dataset quarantined", extra={"reason": reason, "file": kept})
        status = (
            CANNOT_UNDERSTAND_IDENTIFIERS
            if isinstance(error, MissingIdentifiers)
            else CANNOT_UNDERSTAND
        )
        return Status(status, reason[:64])

    def _count(self, tally: AssociationTally, added: bool, size: int) -> None:
        if added:
            tally.stored += 1
            tally.bytes += size
            metrics.BYTES.inc(size)
        else:
            tally.duplicates += 1
        metrics.INSTANCES.labels(outcome="stored" if added else "duplicate").inc()

    def rejected(self, peer: Peer, called_ae: str) -> None:
        metrics.ASSOCIATIONS.labels(result="rejected").inc()
        details = {"reason": "association rejected", "called_ae": called_ae}
        self._write_audit(
            _principal(peer), AuditAction.SECURITY_ALERT, Outcome.MINOR_FAILURE, details
        )

    def tls_refused(self, address: str, reason: str) -> None:
        """A peer that never got as far as an association: no valid certificate, or no TLS."""
        metrics.ASSOCIATIONS.labels(result="rejected").inc()
        peer = Principal(name="unidentified DICOM peer", role=None, source_address=address)
        details = {"reason": reason}
        self._write_audit(peer, AuditAction.SECURITY_ALERT, Outcome.MINOR_FAILURE, details)

    def ended(self, peer: Peer, tally: AssociationTally, aborted: bool) -> None:
        """One audit row per association, with what it brought."""
        action = AuditAction.INSTANCES_TRANSFERRED if tally.stored else AuditAction.NETWORK_ENTRY
        outcome = Outcome.MINOR_FAILURE if tally.failed else Outcome.SUCCESS
        details = {
            "stored": tally.stored,
            "duplicates": tally.duplicates,
            "failed": tally.failed,
            "bytes": tally.bytes,
            "failures": tally.failures,
            "ended": "aborted" if aborted else "released",
        }
        self._write_audit(_principal(peer), action, outcome, details)

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


def kind_of_error(error: OSError | SQLAlchemyError) -> str:
    """What went wrong, without the message: a database error's detail can quote a header value."""
    if isinstance(error, OSError):
        return f"{type(error).__name__} {errno.errorcode.get(error.errno or 0, error.errno)}"
    cause = getattr(error, "orig", None)
    return type(error).__name__ + (f" ({type(cause).__name__})" if cause is not None else "")


def _deferred(sop_instance_uid: str, error: OSError | SQLAlchemyError) -> Status:
    logger.warning(
        "C-STORE deferred: storage or database unavailable",
        extra={"sop_instance_uid": sop_instance_uid, "error": kind_of_error(error)},
    )
    return Status(OUT_OF_RESOURCES, "storage or database unavailable, retry later")


def _counted_failure(status: Status, tally: AssociationTally) -> Status:
    if status.code != SUCCESS:
        label = f"0x{status.code:04X}"
        tally.failed += 1
        tally.failures[label] = tally.failures.get(label, 0) + 1
        metrics.FAILURES.labels(status=label).inc()
    return status


def _series_uids(identified: IdentifiedInstance) -> tuple[str, str]:
    return identified.study_instance_uid, identified.series_instance_uid


def _principal(peer: Peer) -> Principal:
    return Principal.dicom_peer(peer.ae_title, peer.address)


class AssociationReceiver:
    """One accepted association: its peer, and the tally written to the audit trail at its end."""

    def __init__(self, ingest: IngestHandlers, peer: Peer) -> None:
        self._ingest = ingest
        self._peer = peer
        self._tally = AssociationTally()

    def store(self, received: ReceivedFile) -> Status:
        return self._ingest.store(received, self._peer.ae_title, self._tally)

    def unreceived(self, error: OSError) -> Status:
        return self._ingest.unreceived(error, self._tally)

    def ended(self, aborted: bool) -> None:
        self._ingest.ended(self._peer, self._tally, aborted)
