"""`/docs` and `/redoc` from files in the repository, so they work on a network without internet."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from app.web.rendering import page

router = APIRouter(include_in_schema=False)


@router.get("/docs")
def swagger_ui(request: Request) -> HTMLResponse:
    return page(request, "api_docs.html", title="API reference", viewer="swagger")


@router.get("/redoc")
def redoc(request: Request) -> HTMLResponse:
    return page(request, "api_docs.html", title="API reference", viewer="redoc")
