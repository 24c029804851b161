"""Admins link two patient ids as one patient (an outside id and the local one, say), audited;
from then on each one's studies are the other's priors."""

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from app.audit.events import AuditAction
from app.audit.service import record
from app.db.key_locks import take_turns
from app.errors import Invalid, NotFound
from app.principal import Principal
from app.studies.link_schemas import PatientLinkIn
from app.studies.models import PatientLink
from app.studies.patients import PatientIdentity, same_patient, studies_of


def link_patients(session: Session, admin: Principal, wanted: PatientLinkIn) -> PatientLink:
    """Link two patient ids that each name at least one study; audited as a patient record
    change. Ids linked already, directly or through others, are refused."""
    patient, same_as = wanted.patient.identity(), wanted.same_as.identity()
    for identity, field in ((patient, "patient"), (same_as, "same_as")):
        if not session.scalar(select(exists().where(studies_of({identity})))):
            raise NotFound(f"{field}: no study carries patient id {_named(identity)}")
    # Links chain (A with B, B with C): any two being added may meet, so all take turns.
    take_turns(session, "patient link", "")
    if same_as in same_patient(session, patient):
        raise Invalid(f"{_named(patient)} and {_named(same_as)} are one patient already")
    link = PatientLink(
        patient_id=patient.patient_id,
        patient_issuer=patient.issuer,
        linked_patient_id=same_as.patient_id,
        linked_patient_issuer=same_as.issuer,
        reason=wanted.reason,
        linked_by=admin.name,
    )
    session.add(link)
    session.flush()
    details = {"patient": _named(patient), "same_as": _named(same_as), "reason": wanted.reason}
    record(
        session,
        admin,
        AuditAction.PATIENT_RECORD,
        object_type="patient_link",
        object_id=link.id,
        details=details,
    )
    return link


def _named(identity: PatientIdentity) -> str:
    issuer = f"issued by {identity.issuer}" if identity.issuer else "of this hospital"
    return f"{identity.patient_id} ({issuer})"
