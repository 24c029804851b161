"""Templates and the static folder: everything a page loads comes from this repository."""

from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context
from jinja2.runtime import Context
from starlette.responses import HTMLResponse

from app.settings import Settings
from app.studies.person_names import display_name

WEB_DIR = Path(__file__).parent
STATIC_DIR = WEB_DIR / "static"

templates = Jinja2Templates(directory=WEB_DIR / "templates")
# `{{ study.patient_name|person_name }}`: a DICOM name as a reader writes it, on every page.
templates.env.filters["person_name"] = display_name


def _settings(context: Context) -> Settings:
    settings: Settings = context["request"].app.state.settings
    return settings


@pass_context
def on_department_clock(context: Context, moment: datetime, pattern: str) -> str:
    """`{{ task.due_at|clock("%H:%M %Z") }}`: a stored time as the department's clock shows it
    (`WORKLIST_TIMEZONE`), the clock its shifts and rules' time windows keep."""
    return moment.astimezone(_settings(context).zone).strftime(pattern)


@pass_context
def department_zone(context: Context) -> str:
    """`{{ department_zone() }}`: the name of that clock's zone, "Europe/Paris"."""
    return _settings(context).timezone


templates.env.filters["clock"] = on_department_clock
templates.env.globals["department_zone"] = department_zone


def page(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """Render `template`; every page gets who is signed in (with their CSRF token), if anyone."""
    context.setdefault("signed_in", getattr(request.state, "signed_in", None))
    return templates.TemplateResponse(request, template, context, status_code=status_code)
