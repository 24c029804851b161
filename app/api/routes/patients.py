"""Patients whose ids differ by issuer, linked by an admin as one patient."""

from fastapi import APIRouter, status

from app.api.deps import CurrentUser, SessionDep
from app.studies.link_schemas import PatientLinkIn, PatientLinkOut
from app.studies.patient_links import link_patients

router = APIRouter(prefix="/api/v1/patients", tags=["studies"])


@router.post(
    "/links",
    summary="Link two patient ids as one patient",
    status_code=status.HTTP_201_CREATED,
    responses={
        404: {"description": "no study carries one of the two patient ids"},
        422: {"description": "the two ids are one patient already, or a field is wrong"},
    },
)
def link(wanted: PatientLinkIn, user: CurrentUser, session: SessionDep) -> PatientLinkOut:
    """Say that two patient ids name one patient: an outside study's id (kept with its
    issuer, so it never merges with a local id by accident) and the local one, say. From then
    on each one's studies are shown as the other's priors. Audited, with the reason given."""
    return PatientLinkOut.of(link_patients(session, user, wanted))
