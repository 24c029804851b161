"""The quarantine over HTTP: refused datasets listed, re-ingested once fixed, or deleted (admins
only, see access.py); the same functions as the `/admin/quarantine` page."""

from typing import Any

from fastapi import APIRouter, Request, status

from app.api.deps import CurrentUser, SessionDep
from app.api.ingest import ingest_of
from app.api.limits import QuarantinedName
from app.intake import quarantine
from app.intake.schemas import QuarantinedOut, QuarantineList, ReingestAnswer

router = APIRouter(prefix="/api/v1/quarantine", tags=["studies"])

ANSWERS: dict[int | str, dict[str, Any]] = {
    404: {"description": "no quarantined dataset of that name"},
    503: {"description": "storage is unavailable: nothing was changed, try again later"},
}


@router.get("", summary="List quarantined datasets")
def list_quarantined(request: Request, _: CurrentUser) -> QuarantineList:
    """Every dataset refused at ingest, newest first, with the reason it was refused."""
    kept = quarantine.list_quarantined(ingest_of(request.app))
    return QuarantineList(
        datasets=[
            QuarantinedOut(
                name=one.name, reason=one.reason, size=one.size, quarantined_at=one.quarantined_at
            )
            for one in kept
        ]
    )


@router.post(
    "/{name}/reingest",
    summary="Re-ingest a quarantined dataset",
    responses=ANSWERS,
)
def reingest(
    request: Request, name: QuarantinedName, user: CurrentUser, session: SessionDep
) -> ReingestAnswer:
    """File the dataset again, once fixed, as if just received; audited. Stored: it leaves the
    quarantine. Refused again: it is back under a new name with the new reason. `0xA700`
    (storage or database unavailable): it stays as it was."""
    answer = quarantine.reingest(ingest_of(request.app), session, user, name)
    return ReingestAnswer(
        name=answer.name,
        status=f"0x{answer.status:04X}",
        detail=answer.detail,
        stored=answer.stored,
    )


@router.delete(
    "/{name}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete a quarantined dataset",
    responses=ANSWERS,
)
def delete_quarantined(
    request: Request, name: QuarantinedName, user: CurrentUser, session: SessionDep
) -> None:
    """Delete the dataset and its reason for good; audited."""
    quarantine.delete(ingest_of(request.app), session, user, name)
