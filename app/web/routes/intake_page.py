"""`/intake`: outside studies brought in by hand (a patient's CD, a clinic's zip), dropped as
files, folders or zips and sent to `POST /api/v1/uploads` with a progress bar; the page shows
what was stored and what was refused, with why. Admins and radiologists."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from app.api.deps import CurrentUser
from app.web.rendering import page

router = APIRouter(include_in_schema=False)


@router.get("/intake")
def intake_page(request: Request, user: CurrentUser) -> HTMLResponse:
    return page(request, "intake.html")
