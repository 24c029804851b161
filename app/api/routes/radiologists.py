"""Admin API for radiologists: create, list, read, update and deactivate (never delete)."""

from fastapi import APIRouter, status

from app.api.deps import CurrentUser, SessionDep
from app.people import service
from app.people.schemas import RadiologistCreate, RadiologistOut, RadiologistUpdate
from app.row_ids import RowId

router = APIRouter(prefix="/api/v1/radiologists", tags=["people"])


@router.post("", status_code=status.HTTP_201_CREATED, summary="Add a radiologist")
def create_radiologist(
    body: RadiologistCreate, session: SessionDep, user: CurrentUser
) -> RadiologistOut:
    """Create a radiologist with pools, credentials, duty and cap; audited.

    Nothing is assigned to them until they are on duty (`on_duty` or a shift window).
    `422` names an unknown subspecialty or field.
    """
    return service.create_radiologist(session, user, body)


@router.get("", summary="List the radiologists")
def list_radiologists(
    session: SessionDep, user: CurrentUser, active_only: bool = False
) -> list[RadiologistOut]:
    """Every radiologist (`active_only=true`: the active ones). Changes nothing."""
    return service.list_radiologists(session, active_only=active_only)


@router.get("/{radiologist_id}", summary="Read a radiologist")
def read_radiologist(
    radiologist_id: RowId, session: SessionDep, user: CurrentUser
) -> RadiologistOut:
    """One radiologist. Changes nothing; `404` for an unknown id."""
    return service.get_radiologist(session, radiologist_id)


@router.patch("/{radiologist_id}", summary="Update or deactivate a radiologist")
def update_radiologist(
    radiologist_id: RowId, body: RadiologistUpdate, session: SessionDep, user: CurrentUser
) -> RadiologistOut:
    """Change only the fields sent; `{"active": false}` deactivates (nobody is deleted).

    Audited. `404` for an unknown id, `422` naming an invalid or unknown field.
    """
    return service.update_radiologist(session, user, radiologist_id, body)
