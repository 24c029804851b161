"""Signing in and out, and setting a password from a one-time link."""

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.api.deps import CurrentUser, SessionDep
from app.auth import accounts
from app.auth.errors import CsrfRefused, LinkNotValid
from app.auth.passwords import PasswordRefused
from app.auth.web_sessions import SignedIn, sign_in, sign_out
from app.web.cookies import (
    SESSION_COOKIE,
    clear_session_cookie,
    form_token,
    form_token_matches,
    keep_form_token,
    set_session_cookie,
)
from app.web.rendering import page

router = APIRouter(include_in_schema=False)

Text = Annotated[str, Form(max_length=1000)]


@router.get("/sign-in")
def sign_in_form(request: Request, next: str = "/") -> HTMLResponse:
    return _sign_in_page(request, next=next)


@router.post("/sign-in")
def sign_in_submit(
    request: Request, session: SessionDep, name: Text, password: Text, csrf_token: Text = "",
    next: Text = "/",
) -> Response:  # fmt: skip
    _check_form_token(request, csrf_token)
    address = request.client.host if request.client else None
    outcome = sign_in(session, name.strip(), password, address)
    if not isinstance(outcome, SignedIn):
        return _sign_in_page(request, next=next, name=name, error=outcome, status_code=401)
    response = RedirectResponse(_local(next), status_code=303)
    set_session_cookie(request, response, outcome.secret)
    return response


@router.post("/sign-out")
def sign_out_submit(request: Request, session: SessionDep, _: CurrentUser) -> Response:
    sign_out(session, request.cookies[SESSION_COOKIE])
    response = RedirectResponse("/sign-in", status_code=303)
    clear_session_cookie(response)
    return response


@router.get("/set-password/{secret}")
def set_password_form(request: Request, session: SessionDep, secret: str) -> HTMLResponse:
    try:
        user = accounts.user_of_link(session, secret)
    except LinkNotValid as error:
        return _with_form_token(request, "set_password.html", 404, link_error=str(error))
    return _with_form_token(request, "set_password.html", name=user.name)


@router.post("/set-password/{secret}")
def set_password_submit(
    request: Request, session: SessionDep, secret: str, password: Text, csrf_token: Text = ""
) -> Response:
    _check_form_token(request, csrf_token)
    try:
        accounts.set_password(session, secret, password)
    except LinkNotValid as error:
        return _with_form_token(request, "set_password.html", 404, link_error=str(error))
    except PasswordRefused as error:
        name = accounts.user_of_link(session, secret).name
        return _with_form_token(request, "set_password.html", 422, name=name, error=str(error))
    notice = "Your password is set: sign in with it."
    return _sign_in_page(request, next="/", notice=notice)


def _sign_in_page(request: Request, status_code: int = 200, **context: str) -> HTMLResponse:
    context["next"] = _local(context.get("next", "/"))
    context.setdefault("name", "")
    return _with_form_token(request, "sign_in.html", status_code, **context)


def _with_form_token(
    request: Request, template: str, status_code: int = 200, **context: str
) -> HTMLResponse:
    token = form_token(request)
    response = page(request, template, status_code, csrf_token=token, **context)
    keep_form_token(response, token)
    return response


def _check_form_token(request: Request, presented: str) -> None:
    if not form_token_matches(request, presented):
        raise CsrfRefused("the form carries no valid CSRF token: reload the page")


def _local(target: str) -> str:
    """Only a path of ours: never an open redirect to another site."""
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target
