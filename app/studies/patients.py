"""Whose patient id a study carries: the hospital's own, or an outside sender's; and which ids
an admin linked as one patient. Priors are matched only within these identities, so an outside
patient "12345" never meets a local patient "12345" by accident."""

from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from app.studies.models import PatientLink, Study
from app.studies.records import Receipt, StudyFacts

# Links followed from one patient id to the next: enough for any real chain of ids.
MAX_LINK_STEPS = 8


@dataclass(frozen=True, slots=True)
class PatientIdentity:
    """A patient id and who issued it (None: the hospital's own ids)."""

    patient_id: str
    issuer: str | None = None


def patient_issuer(study: StudyFacts, receipt: Receipt) -> str | None:
    """An outside study's patient id keeps its issuer: the Issuer of Patient ID it carries, else
    the name of the sender (a token's name or an AE title). Local studies have none."""
    if not receipt.outside:
        return None
    return study.issuer_of_patient_id or receipt.source_ae_title or "outside"


def identity_of(study: Study) -> PatientIdentity | None:
    if not study.patient_id:
        return None
    return PatientIdentity(study.patient_id, study.patient_issuer)


def same_patient(session: Session, identity: PatientIdentity) -> set[PatientIdentity]:
    """The identity and every one linked to it, directly or through other links."""
    known = {identity}
    frontier = {identity}
    for _ in range(MAX_LINK_STEPS):
        if not frontier:
            break
        links = session.scalars(select(PatientLink).where(_touching(frontier)))
        found = {end for link in links for end in _ends(link)} - known
        known |= found
        frontier = found
    return known


def studies_of(identities: set[PatientIdentity]) -> ColumnElement[bool]:
    """The condition on studies matching any of the identities."""
    return or_(*(_is(identity, Study.patient_id, Study.patient_issuer) for identity in identities))


def _touching(identities: set[PatientIdentity]) -> ColumnElement[bool]:
    return or_(
        *(
            or_(
                _is(identity, PatientLink.patient_id, PatientLink.patient_issuer),
                _is(identity, PatientLink.linked_patient_id, PatientLink.linked_patient_issuer),
            )
            for identity in identities
        )
    )


def _is(
    identity: PatientIdentity,
    patient_id: InstrumentedAttribute[str] | InstrumentedAttribute[str | None],
    issuer: InstrumentedAttribute[str | None],
) -> ColumnElement[bool]:
    return and_(patient_id == identity.patient_id, issuer.is_not_distinct_from(identity.issuer))


def _ends(link: PatientLink) -> tuple[PatientIdentity, PatientIdentity]:
    return (
        PatientIdentity(link.patient_id, link.patient_issuer),
        PatientIdentity(link.linked_patient_id, link.linked_patient_issuer),
    )
