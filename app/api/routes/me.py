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


@router.get("/me")
def read_me(user: CurrentUser) -> Me:
    return Me(
        token_id=user.token_id,
        name=user.name,
        role=user.role.value if user.role else None,
        radiologist_id=user.radiologist_id,
    )
