"""Admin API for radiologists: create, list, read, update and deactivate (never delete)."""

from fastapi import APIRouter, status

from app.api.deps import CurrentUser, SessionDep
from app.people import service
from app.people.schemas import RadiologistCreate, RadiologistOut, RadiologistUpdate

router = APIRouter(prefix="/api/v1/radiologists", tags=["people"])


@router.post("", status_code=status.HTTP_201_CREATED)
def create_radiologist(
    body: RadiologistCreate, session: SessionDep, user: CurrentUser
) -> RadiologistOut:
    return service.create_radiologist(session, user, body)


@router.get("")
def list_radiologists(
    session: SessionDep, user: CurrentUser, active_only: bool = False
) -> list[RadiologistOut]:
    return service.list_radiologists(session, active_only=active_only)


@router.get("/{radiologist_id}")
def read_radiologist(radiologist_id: int, session: SessionDep, user: CurrentUser) -> RadiologistOut:
    return service.get_radiologist(session, radiologist_id)


@router.patch("/{radiologist_id}")
def update_radiologist(
    radiologist_id: int, body: RadiologistUpdate, session: SessionDep, user: CurrentUser
) -> RadiologistOut:
    return service.update_radiologist(session, user, radiologist_id, body)
