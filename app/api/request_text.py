"""Text Postgres cannot store, in a request's path, query or form, refused naming where it was.

Bodies of JSON are checked by their models (`app.request_body`); these parts of a request reach
routes as plain strings, and a NUL in one would otherwise fail its statement without a name.
"""

from fastapi import Request
from fastapi.exceptions import RequestValidationError

from app.request_body import NUL_REFUSED, holds_nul

FORM = "application/x-www-form-urlencoded"


async def refuse_unstorable_text(request: Request) -> None:
    """Every route's first dependency: a NUL anywhere in the path, query or form is a 422."""
    named = [("path", name, value) for name, value in request.path_params.items()]
    named += [("query", name, value) for name, value in request.query_params.multi_items()]
    # Only a URL-encoded form: a multipart body may be a file streamed by its route.
    if request.headers.get("content-type", "").startswith(FORM):
        form = await request.form()
        named += [("form", name, value) for name, value in form.multi_items()]
    refused = [
        {"loc": (where, shown(name)), "msg": f"Value error, {NUL_REFUSED}", "type": "value_error"}
        for where, name, value in named
        if holds_nul(name) or holds_nul(value)
    ]
    if refused:
        raise RequestValidationError(refused)


def shown(name: str) -> str:
    """A parameter's name as the answer can carry it: a NUL in the name itself written out."""
    return name.replace("\x00", "\\u0000")
