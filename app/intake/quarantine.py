"""The quarantine for an admin: refused datasets listed with why, re-ingested once fixed
(through the listener's filing contract, as if just received) or deleted; both audited."""

from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.audit.events import AuditAction, Outcome
from app.audit.service import record
from app.db.key_locks import take_turns
from app.principal import Principal
from app.storage.quarantine import Quarantined, checked_name, quarantined, release
from dicom_listener.handlers import IngestHandlers
from dicom_listener.outcomes import OUT_OF_RESOURCES, SUCCESS, AssociationTally
from dicom_listener.reception import ReceivedFile

# Where a re-ingested instance is recorded as coming from (an AE title's 16 characters).
REINGEST_SOURCE = "QUARANTINE"


@dataclass(frozen=True)
class Reingested:
    """What filing a quarantined dataset again answered: stored (it left the quarantine), refused
    again (it is back under a new name with today's reason), or deferred (it stays as it was)."""

    name: str
    status: int
    detail: str

    @property
    def stored(self) -> bool:
        return self.status == SUCCESS


def list_quarantined(ingest: IngestHandlers) -> list[Quarantined]:
    return quarantined(ingest.storage.quarantine)


def reingest(ingest: IngestHandlers, session: Session, user: Principal, name: str) -> Reingested:
    """File the dataset again; out of the quarantine unless storage or the database failed."""
    storage = ingest.storage
    take_turns(session, "quarantined dataset", name)  # sent twice at once, it is filed once
    checked_name(storage.quarantine, name)
    with storage.spooled_copy(storage.quarantine, name) as copy:
        received = ReceivedFile(copy, copy.stat().st_size, None)
        filing = ingest.file(received, REINGEST_SOURCE, AssociationTally())
    answer = Reingested(name, filing.status.code, filing.status.comment or "stored")
    if answer.status != OUT_OF_RESOURCES:
        release(storage.quarantine, name)
    details = {"status": f"0x{answer.status:04X}", "detail": answer.detail}
    if filing.identified is not None:
        details["sop_instance_uid"] = filing.identified.instance.sop_instance_uid
    outcome = Outcome.SUCCESS if answer.stored else Outcome.MINOR_FAILURE
    record(
        session, user, AuditAction.INSTANCES_TRANSFERRED, object_type="quarantine",
        object_id=name, outcome=outcome, details=details,
    )  # fmt: skip
    return answer


def delete(ingest: IngestHandlers, session: Session, user: Principal, name: str) -> None:
    """Delete the dataset and its reason for good."""
    area = ingest.storage.quarantine
    take_turns(session, "quarantined dataset", name)
    release(area, checked_name(area, name))
    # DICOM audits a deletion as instances accessed with the event action D (PS3.15 A.5.3.3).
    record(
        session, user, AuditAction.INSTANCES_ACCESSED, object_type="quarantine",
        object_id=name, details={"event_action": "D", "deleted": True},
    )  # fmt: skip
