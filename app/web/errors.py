"""Errors on a page answer with a page: the sign-in form, or a message; never a 500 trace.

The API's handlers (problem+json) stay as they are for `/api/...` and the probes; this wraps them.
"""

import json
from collections.abc import Awaitable, Callable
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response

from app.auth.errors import AuthenticationError
from app.web.cookies import SESSION_COOKIE
from app.web.rendering import page

Handler = Callable[[Request, Exception], Awaitable[Response]]
NOT_PAGES = ("/api/", "/dicomweb/", "/healthz", "/readyz", "/metrics", "/openapi.json", "/static/")


def is_page(request: Request) -> bool:
    return not request.url.path.startswith(NOT_PAGES)


def install_page_errors(app: FastAPI) -> None:
    for kind in list(app.exception_handlers):
        if isinstance(kind, type) and issubclass(kind, Exception):
            api_handler: Handler = app.exception_handlers[kind]  # type: ignore[assignment]
            app.exception_handlers[kind] = _for_pages(api_handler)


def _for_pages(api_handler: Handler) -> Handler:
    async def handle(request: Request, error: Exception) -> Response:
        if not is_page(request):
            return await api_handler(request, error)
        if isinstance(error, AuthenticationError):
            return _back_to_sign_in(request)
        answer = await api_handler(request, error)
        detail = json.loads(bytes(answer.body)).get("detail", "")
        return page(request, "error.html", answer.status_code, title=_title(answer), detail=detail)

    return handle


def _back_to_sign_in(request: Request) -> Response:
    """An expired session returns to the sign-in page, and from there to where the person was."""
    query = f"?{request.url.query}" if request.url.query else ""
    here = request.url.path + query if request.method == "GET" else "/"
    response = RedirectResponse(f"/sign-in?next={quote(here, safe='/')}", status_code=303)
    if SESSION_COOKIE in request.cookies:
        response.delete_cookie(SESSION_COOKIE, path="/")
    return response


def _title(answer: Response) -> str:
    titles = {403: "Not allowed", 404: "Not found", 409: "Someone moved first", 422: "Not valid"}
    return titles.get(answer.status_code, "Something went wrong")
