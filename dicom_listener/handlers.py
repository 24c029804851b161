"""What the listener does with the instances associations bring: identify, file, record.

No exception leaves `store`: every failure becomes a named DICOM status.
"""

import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

from pydicom import Dataset
from sqlalchemy.exc import DataError, SQLAlchemyError

from app.db.session import session_scope
from app.db.single_statement import run_single_statement
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
    file_instances_of_series,
    record_parents,
)
from dicom_listener import metrics
from dicom_listener.association import Peer
from dicom_listener.association_audit import AssociationAudit
from dicom_listener.dimse import Status
from dicom_listener.filed import remove_unless_recorded
from dicom_listener.known_series import KnownSeries, SeriesUids, TouchSchedule
from dicom_listener.metadata import (
    MissingIdentifiers,
    UnusableDataset,
    identify,
    read_header,
    received_instance,
    series_header,
)
from dicom_listener.outcomes import (
    CANNOT_UNDERSTAND,
    CANNOT_UNDERSTAND_IDENTIFIERS,
    OTHER_STUDY,
    SUCCESS,
    AssociationTally,
    Filing,
    counted_failure,
    deferred,
    guarded,
    kind_of_error,
    statuses_of,
)
from dicom_listener.raw_identifiers import identify_raw
from dicom_listener.reception import ReceivedFile

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Arrival:
    """An identified instance of a request, at its place (`index`) among the request's."""

    index: int
    received: ReceivedFile
    identified: IdentifiedInstance
    header: Dataset | None


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
        self.audit = AssociationAudit(database_url)

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
        filing = guarded(partial(self._file_one, received, source, tally, only_study))
        counted_failure(filing.status, tally)
        return filing

    def file_together(
        self,
        receptions: Sequence[ReceivedFile],
        source: str,
        tally: AssociationTally,
        only_study: str | None = None,
    ) -> list[Filing]:
        """File instances that came together (a request answered once all are filed), each
        under the contract of `file`: those of a series already recorded share one transaction
        and one fsync of their folder. The first instance of a new series records it alone."""
        filings: dict[int, Filing] = {}
        together: dict[SeriesUids, list[Arrival]] = {}
        waiting: set[str] = set()
        for index, received in enumerate(receptions):
            arrival = guarded(partial(self._identified, index, received, only_study))
            if isinstance(arrival, Filing):
                filings[index] = arrival
            elif self._files_together(arrival, together, waiting):
                together.setdefault(_series_uids(arrival.identified), []).append(arrival)
                waiting.add(_sop_uid(arrival.identified))
            else:
                filings[index] = guarded(partial(self._file_alone, arrival, source, tally))
        for uids, arrivals in together.items():
            filed = guarded(partial(self._file_series_together, uids, arrivals, source, tally))
            for waited, status in zip(arrivals, statuses_of(filed, len(arrivals)), strict=True):
                filings[waited.index] = Filing(status, waited.identified)
        for filing in filings.values():
            counted_failure(filing.status, tally)
        return [filings[index] for index in range(len(receptions))]

    def _identified(
        self, index: int, received: ReceivedFile, only_study: str | None
    ) -> Arrival | Filing:
        """The instance's identifiers, or its refusal: unusable (quarantined), or of another
        study than the request's."""
        try:
            identified, header = self._identify(received)
        except UnusableDataset as error:
            return Filing(self._quarantine(received.path, error))
        if only_study is not None and identified.study_instance_uid != only_study:
            return Filing(Status(OTHER_STUDY, "instance of another study"), identified)
        return Arrival(index, received, identified, header)

    def _files_together(
        self, arrival: Arrival, together: dict[SeriesUids, list[Arrival]], waiting: set[str]
    ) -> bool:
        """Whether the instance waits to be filed with others of its series: the series is
        recorded, and no instance of the same SOP Instance UID (`waiting`) waits (a copy sent
        twice in one request is filed on its own: one of the two is then found known)."""
        uids = _series_uids(arrival.identified)
        if uids not in together and self.known_series.get(uids) is None:
            return False
        return _sop_uid(arrival.identified) not in waiting

    def _file_one(
        self, received: ReceivedFile, source: str, tally: AssociationTally, only_study: str | None
    ) -> Filing:
        arrival = self._identified(0, received, only_study)
        return arrival if isinstance(arrival, Filing) else self._file_alone(arrival, source, tally)

    def unreceived(self, error: OSError, tally: AssociationTally) -> Status:
        """The data set could not even be written to a temp file."""
        return counted_failure(deferred("(not received)", error), tally)

    def _file_alone(self, arrival: Arrival, source: str, tally: AssociationTally) -> Filing:
        """File one instance: with its recorded series, or recording the series from it."""
        return Filing(self._store_alone(arrival, source, tally), arrival.identified)

    def _store_alone(self, arrival: Arrival, source: str, tally: AssociationTally) -> Status:
        uids = _series_uids(arrival.identified)
        if self.known_series.get(uids) is not None:
            return self._file_series_together(uids, [arrival], source, tally)[0]
        # Associations bringing the same new series wait for the first to record it, then take
        # the short path: one slow path per series, not one per association.
        with self.known_series.first_instance_lock(uids):
            if self.known_series.get(uids) is not None:
                return self._file_series_together(uids, [arrival], source, tally)[0]
            received, header = arrival.received, arrival.header
            try:
                if header is None:
                    header = read_header(received.content or received.path)
                first = received_instance(header)
            except UnusableDataset as error:
                return self._quarantine(received.path, error)
            return self._file_first(received, arrival.identified, first, source, tally)

    def _identify(self, received: ReceivedFile) -> tuple[IdentifiedInstance, Dataset | None]:
        """The instance's identifiers, from its bytes when they walk cleanly, else with pydicom
        (and then with the header it read); raises UnusableDataset."""
        identified = identify_raw(received.content) if received.content else None
        if identified is not None:
            return identified, None
        header = read_header(received.content or received.path)
        return identify(header), header

    def _file_first(
        self,
        received: ReceivedFile,
        identified: IdentifiedInstance,
        first: ReceivedInstance,
        source: str,
        tally: AssociationTally,
    ) -> Status:
        """The first instance of a series here: study, series and instance in one transaction,
        the series recorded from its whole header."""
        uids = _series_uids(identified)
        receipt = self._receipt(received, identified, source)
        linked = False
        try:
            linked = self.storage.instances.put_new(received.path, receipt.storage_path)
            with session_scope(self.database_url) as session:
                parents = record_parents(session, first, receipt)
                touch = self.touches.due(parents.study_id)
                added = file_instance_of_series(session, parents, first.instance, receipt, touch)
            added = self._kept_unless_duplicate(linked, added, receipt, identified)
        except DataError as error:
            self.known_series.forget(uids)
            filed = receipt.storage_path if linked else None
            return self._refuse_value(received.path, filed, _sop_uid(identified), error)
        except (OSError, SQLAlchemyError) as error:
            self.known_series.forget(uids)
            return deferred(_sop_uid(identified), error)
        self.known_series.remember(uids, parents, identified, first.series.header)
        self._count(tally, added, received.size)
        return Status(SUCCESS)

    def _file_series_together(
        self, uids: SeriesUids, arrivals: list[Arrival], source: str, tally: AssociationTally
    ) -> list[Status]:
        """Instances of a recorded series: stored, then their rows in one statement."""
        parents = self.known_series.get(uids)
        if parents is None:  # forgotten since, on a database error: the first records it again
            return [self._file_alone(arrival, source, tally).status for arrival in arrivals]
        receipts = [self._receipt(a.received, a.identified, source) for a in arrivals]
        linked: list[bool] = []
        try:
            files = [
                (a.received.path, r.storage_path) for a, r in zip(arrivals, receipts, strict=True)
            ]
            linked = self.storage.instances.put_all_new(files)
            added = self._record_together(parents, arrivals, receipts, linked)
        except DataError as error:
            self.known_series.forget(uids)
            return self._refused_together(arrivals, receipts, linked, error, source, tally)
        except (OSError, SQLAlchemyError) as error:
            self.known_series.forget(uids)
            return [deferred(_sop_uid(arrival.identified), error) for arrival in arrivals]
        for arrival, was_added in zip(arrivals, added, strict=True):
            self._count(tally, was_added, arrival.received.size)
        return [Status(SUCCESS) for _ in arrivals]

    def _record_together(
        self,
        parents: SeriesKey,
        arrivals: list[Arrival],
        receipts: list[Receipt],
        linked: list[bool],
    ) -> list[bool]:
        """The rows of stored instances in one statement, then what each new one adds to the
        series' header; whether each was added."""
        instances = [(a.identified.instance, r) for a, r in zip(arrivals, receipts, strict=True)]
        touch = self.touches.due(parents.study_id)
        new = run_single_statement(
            self.database_url, lambda db: file_instances_of_series(db, parents, instances, touch)
        )
        added = [
            self._kept_unless_duplicate(link, _sop_uid(a.identified) in new, r, a.identified)
            for link, a, r in zip(linked, arrivals, receipts, strict=True)
        ]
        for arrival, receipt, was_added in zip(arrivals, receipts, added, strict=True):
            if was_added:
                self._complete_series_header(parents, arrival.identified, receipt)
        return added

    def _refused_together(
        self,
        arrivals: list[Arrival],
        receipts: list[Receipt],
        linked: list[bool],
        error: DataError,
        source: str,
        tally: AssociationTally,
    ) -> list[Status]:
        """The database refused a value of one of them: a lone instance is refused; several are
        filed again each alone, so only the one whose value it is fails."""
        if len(arrivals) == 1:
            filed = receipts[0].storage_path if linked and linked[0] else None
            (arrival,) = arrivals
            return [
                self._refuse_value(
                    arrival.received.path, filed, _sop_uid(arrival.identified), error
                )
            ]
        self._remove_unrecorded(linked, receipts, arrivals)
        return [self._file_alone(arrival, source, tally).status for arrival in arrivals]

    def _receipt(
        self, received: ReceivedFile, identified: IdentifiedInstance, source: str
    ) -> Receipt:
        key = instance_key(*_series_uids(identified), _sop_uid(identified))
        outside = self.outside_sources is None or source in self.outside_sources
        return Receipt(key, received.size, source, datetime.now(UTC), outside)

    def _kept_unless_duplicate(
        self, linked: bool, added: bool, receipt: Receipt, identified: IdentifiedInstance
    ) -> bool:
        """Whether the instance counts as added: its row is new, or its file was new and is
        kept because its row was committed before (an answer the connection lost)."""
        if not linked or added:
            return added
        return not remove_unless_recorded(
            self.database_url, self.storage.instances, receipt.storage_path, _sop_uid(identified)
        )

    def _remove_unrecorded(
        self, linked: list[bool], receipts: list[Receipt], arrivals: list[Arrival]
    ) -> None:
        """Take back the files a failed transaction left without rows."""
        for link, receipt, arrival in zip(linked, receipts, arrivals, strict=True):
            if link:
                remove_unless_recorded(
                    self.database_url,
                    self.storage.instances,
                    receipt.storage_path,
                    _sop_uid(arrival.identified),
                )

    def _complete_series_header(
        self, parents: SeriesKey, identified: IdentifiedInstance, receipt: Receipt
    ) -> None:
        """What a new instance adds to its series' header (DESIGN.md: a series is classified
        from all its instances), recorded."""
        update = self.known_series.note_instance(_series_uids(identified), identified)
        if update is None:
            return
        if update.first_image:
            update = self._with_image_header(identified, update, receipt)
        complete = update
        run_single_statement(
            self.database_url, lambda db: complete_series_header(db, parents.series_id, complete)
        )

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
            return deferred("(refused, not quarantined)", unkept)
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


def _series_uids(identified: IdentifiedInstance) -> SeriesUids:
    return identified.study_instance_uid, identified.series_instance_uid


def _sop_uid(identified: IdentifiedInstance) -> str:
    return identified.instance.sop_instance_uid


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
        self._ingest.audit.ended(self._peer, self._tally, aborted)
