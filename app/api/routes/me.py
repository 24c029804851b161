"""Who the caller is: lets a client check its token and role."""

from fastapi import APIRouter
from pydantic import BaseModel

from app.api.deps import CurrentUser

router = APIRouter(prefix="/api/v1", tags=["auth"])


class Me(BaseModel):
    token_id: int | None
    name: str
    role: str | None
    radiologist_id: int | None


@router.get("/me", summary="Who the token belongs to")
def read_me(user: CurrentUser) -> Me:
    """The caller's token id, name, role and radiologist: a client checks its token with it.

    Changes nothing.
    """
    return Me(
        token_id=user.token_id,
        name=user.name,
        role=user.role.value if user.role else None,
        radiologist_id=user.radiologist_id,
    )
