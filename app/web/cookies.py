"""The session cookie and the names a CSRF token travels under."""

import secrets

from fastapi import Request, Response

SESSION_COOKIE = "worklist_session"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"


def set_session_cookie(request: Request, response: Response, secret: str) -> None:
    """HttpOnly and SameSite=Lax always; Secure whenever the request came over TLS.

    No Max-Age: the session's lifetime is decided in Postgres (12 h idle), and a browser closed
    forgets the cookie.
    """
    response.set_cookie(
        SESSION_COOKIE,
        secret,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/",
    )


def clear_session_cookie(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax")


# Before anyone has signed in there is no session to hold a CSRF token: the sign-in and
# set-password forms carry a random one that must match this cookie (double submit).
FORM_COOKIE = "worklist_form"


def form_token(request: Request) -> str:
    """The browser's pre-sign-in form token, or a new one (set it with `keep_form_token`)."""
    return request.cookies.get(FORM_COOKIE) or secrets.token_urlsafe(32)


def keep_form_token(response: Response, token: str) -> None:
    response.set_cookie(FORM_COOKIE, token, httponly=True, samesite="strict", path="/")


def form_token_matches(request: Request, presented: str) -> bool:
    expected = request.cookies.get(FORM_COOKIE)
    return bool(expected) and secrets.compare_digest(presented, expected or "")
