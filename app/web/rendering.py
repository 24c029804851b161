"""Templates and the static folder: everything a page loads comes from this repository."""

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from starlette.responses import HTMLResponse

WEB_DIR = Path(__file__).parent
STATIC_DIR = WEB_DIR / "static"

templates = Jinja2Templates(directory=WEB_DIR / "templates")


def page(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """Render `name`; every page gets the request (for its CSRF token and who is signed in)."""
    return templates.TemplateResponse(request, name, context, status_code=status_code)
