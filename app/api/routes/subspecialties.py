"""The subspecialty pools: the seeded six and any an admin adds."""

from fastapi import APIRouter, status

from app.api.deps import CurrentUser, SessionDep
from app.people import service
from app.people.schemas import SubspecialtyCreate, SubspecialtyOut

router = APIRouter(prefix="/api/v1/subspecialties", tags=["people"])


@router.get("", summary="List the subspecialty pools")
def list_subspecialties(session: SessionDep, user: CurrentUser) -> list[SubspecialtyOut]:
    """The reading pools: the six shipped ones and any an admin added. Changes nothing."""
    return [
        SubspecialtyOut(code=pool.code, name=pool.name)
        for pool in service.list_subspecialties(session)
    ]


@router.post("", status_code=status.HTTP_201_CREATED, summary="Add a subspecialty pool")
def add_subspecialty(
    body: SubspecialtyCreate, session: SessionDep, user: CurrentUser
) -> SubspecialtyOut:
    """A new pool rules can route to and radiologists can join; audited.

    `409` if the code exists, `422` for a code that is not upper-case letters, digits and `_`.
    """
    pool = service.add_subspecialty(session, user, body)
    return SubspecialtyOut(code=pool.code, name=pool.name)
