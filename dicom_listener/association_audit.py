"""The audit trail of associations: one row for each, with what it brought, and each refusal.

Written apart from any filing's transaction, and never at the listener's expense: a database
outage loses the row, not the association or the listener.
"""

import logging
from dataclasses import dataclass
from typing import Any

from app.audit.events import AuditAction, Outcome
from app.audit.service import record_apart
from app.principal import Principal
from dicom_listener import metrics
from dicom_listener.association import Peer
from dicom_listener.outcomes import AssociationTally

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class AssociationAudit:
    database_url: str

    def rejected(self, peer: Peer, called_ae: str) -> None:
        metrics.ASSOCIATIONS.labels(result="rejected").inc()
        details = {"reason": "association rejected", "called_ae": called_ae}
        self._write(_principal(peer), AuditAction.SECURITY_ALERT, Outcome.MINOR_FAILURE, details)

    def tls_refused(self, address: str, reason: str) -> None:
        """A peer that never got as far as an association: no valid certificate, or no TLS."""
        metrics.ASSOCIATIONS.labels(result="rejected").inc()
        peer = Principal(name="unidentified DICOM peer", role=None, source_address=address)
        details = {"reason": reason}
        self._write(peer, AuditAction.SECURITY_ALERT, Outcome.MINOR_FAILURE, details)

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
        self._write(_principal(peer), action, outcome, details)

    def _write(
        self, peer: Principal, action: AuditAction, outcome: Outcome, details: dict[str, Any]
    ) -> None:
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


def _principal(peer: Peer) -> Principal:
    return Principal.dicom_peer(peer.ae_title, peer.address)
