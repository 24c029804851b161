"""The subspecialty pools: the seeded six and any an admin adds."""

from fastapi import APIRouter, status

from app.api.deps import CurrentUser, SessionDep
from app.people import service
from app.people.schemas import SubspecialtyCreate, SubspecialtyOut

router = APIRouter(prefix="/api/v1/subspecialties", tags=["people"])


@router.get("")
def list_subspecialties(session: SessionDep, user: CurrentUser) -> list[SubspecialtyOut]:
    return [
        SubspecialtyOut(code=pool.code, name=pool.name)
        for pool in service.list_subspecialties(session)
    ]


@router.post("", status_code=status.HTTP_201_CREATED)
def add_subspecialty(
    body: SubspecialtyCreate, session: SessionDep, user: CurrentUser
) -> SubspecialtyOut:
    pool = service.add_subspecialty(session, user, body)
    return SubspecialtyOut(code=pool.code, name=pool.name)
