"""`/admin/quarantine`: datasets refused at ingest, with why and when, each re-ingested once fixed
or deleted (admins only); the same functions as `/api/v1/quarantine`."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from app.api.deps import CurrentUser, SessionDep
from app.api.ingest import ingest_of
from app.api.limits import QuarantinedName
from app.intake import quarantine
from app.web.rendering import page

router = APIRouter(include_in_schema=False)


@router.get("/admin/quarantine")
def quarantine_page(request: Request, user: CurrentUser) -> HTMLResponse:
    return _listed(request)


@router.post("/admin/quarantine/{name}/reingest")
def reingest(
    request: Request, name: QuarantinedName, user: CurrentUser, session: SessionDep
) -> HTMLResponse:
    answer = quarantine.reingest(ingest_of(request.app), session, user, name)
    if answer.stored:
        return _listed(request, notice=f"{name} re-ingested and stored.")
    status = f"0x{answer.status:04X}"
    return _listed(request, 422, error=f"{name} refused again ({status}): {answer.detail}.")


@router.post("/admin/quarantine/{name}/delete")
def delete(
    request: Request, name: QuarantinedName, user: CurrentUser, session: SessionDep
) -> HTMLResponse:
    quarantine.delete(ingest_of(request.app), session, user, name)
    return _listed(request, notice=f"{name} deleted.")


def _listed(request: Request, status_code: int = 200, **context: object) -> HTMLResponse:
    kept = quarantine.list_quarantined(ingest_of(request.app))
    return page(request, "quarantine.html", status_code, datasets=kept, **context)
