"""Dependencies every route declares: a session per request and the calling principal."""

import asyncio
import secrets
from collections.abc import AsyncIterator, Callable
from typing import Annotated

import anyio
import anyio.to_thread
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from app.api.access import allowed_roles
from app.api.ingest import ingest_of
from app.audit import refusals
from app.auth.errors import AuthenticationError, CsrfRefused
from app.auth.service import authenticate
from app.auth.web_sessions import session_user
from app.db.session import POOL_CAPACITY, session_scope
from app.errors import Forbidden
from app.principal import Principal
from app.settings import Settings
from app.storage.store import Storage
from app.web.cookies import CSRF_FIELD, CSRF_HEADER, SESSION_COOKIE

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
_bearer = HTTPBearer(auto_error=False, description="An API token from `worklist token create`")


async def get_settings(request: Request) -> Settings:
    """Async because it does no I/O: a sync dependency would cost a thread-pool hop."""
    settings: Settings = request.app.state.settings
    return settings


async def database_slot(request: Request) -> AsyncIterator[None]:
    """Admit no more requests to the database at once than the pool has connections.

    A sync request keeps its connection across thread-pool hops (dependencies, route, commit);
    with more such requests than connections, threads wait on the pool while the holders wait
    for a thread, and the pool deadlocks under load.
    """
    loop = asyncio.get_running_loop()
    slots: tuple[asyncio.AbstractEventLoop, asyncio.Semaphore] | None = getattr(
        request.app.state, "database_slots", None
    )
    if slots is None or slots[0] is not loop:  # one per event loop (test clients make several)
        slots = request.app.state.database_slots = (loop, asyncio.Semaphore(POOL_CAPACITY))
    async with slots[1]:
        yield


async def get_session(
    request: Request, _: Annotated[None, Depends(database_slot)]
) -> AsyncIterator[Session]:
    """One session and transaction per request: committed on success, rolled back on error.

    Opened on the event loop, since a session touches the database only at its first query (in
    the route's thread); only the commit or rollback takes a trip through the thread pool, where
    a sync dependency would take one more to open, and each trip is a wait for the interpreter.
    """
    scope = session_scope(request.app.state.database_url)
    session = scope.__enter__()
    try:
        yield session
    except BaseException as error:
        await _end_transaction(scope.__exit__, type(error), error, error.__traceback__)
        raise
    await _end_transaction(scope.__exit__, None, None, None)


async def _end_transaction(exit_scope: Callable[..., object], *error: object) -> None:
    """Outside the routes' thread limit: a route may be waiting for this transaction's locks."""
    with anyio.CancelScope(shield=True):
        await anyio.to_thread.run_sync(exit_scope, *error, limiter=anyio.CapacityLimiter(1))


# Committed before the response is sent (FastAPI's default would commit after): a client told
# "done" may act on it at once, and a browser following a redirect must find the new session.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
SettingsDep = Annotated[Settings, Depends(get_settings)]


async def get_storage(request: Request) -> Storage:
    """Where instances are kept: one client, shared by every request of the application."""
    return ingest_of(request.app).storage


StorageDep = Annotated[Storage, Depends(get_storage)]


async def presented_csrf_token(request: Request) -> str | None:
    """The CSRF token a state-changing request carries: a header (fetch) or a form field."""
    if request.method in SAFE_METHODS:
        return None
    header = request.headers.get(CSRF_HEADER)
    if header or not request.headers.get("content-type", "").startswith(FORM_TYPES):
        return header
    field = (await request.form()).get(CSRF_FIELD)
    return field if isinstance(field, str) else None


def get_current_user(
    request: Request,
    session: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    csrf_token: Annotated[str | None, Depends(presented_csrf_token)],
) -> Principal:
    """The caller (a bearer token, else a signed-in person), if their role may use this route."""
    source = request.client.host if request.client else None
    route = getattr(request.scope.get("route"), "path_format", request.url.path)
    try:
        principal = _authenticate(request, session, credentials, csrf_token, source)
    except AuthenticationError as error:
        refusals.login_failed(request.app.state.database_url, source, route, str(error))
        raise
    if principal.role not in allowed_roles(request.method, route):
        refusals.role_refused(request.app.state.database_url, principal, request.method, route)
        raise Forbidden(f"the {principal.role} role may not {request.method} {route}")
    request.app.state.poll_limit.check(principal.token_id, request.method, route)
    return principal


def _authenticate(
    request: Request,
    session: Session,
    credentials: HTTPAuthorizationCredentials | None,
    csrf_token: str | None,
    source: str | None,
) -> Principal:
    if credentials is not None and credentials.scheme.lower() == "bearer":
        return authenticate(session, credentials.credentials, source_address=source)
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie is None:
        raise AuthenticationError("a bearer token is required")
    signed_in = session_user(session, cookie, source)
    request.state.signed_in = signed_in
    if request.method not in SAFE_METHODS and not _same_secret(csrf_token, signed_in.csrf_token):
        raise CsrfRefused("the form or request carries no valid CSRF token: reload the page")
    return signed_in.principal


def _same_secret(presented: str | None, expected: str) -> bool:
    return presented is not None and secrets.compare_digest(presented, expected)


CurrentUser = Annotated[Principal, Depends(get_current_user)]


def user_apart(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """The caller, checked in a session of its own: a stream (events sent for hours, a body
    received for minutes) must not hold one of the pool's connections while it runs. A signed-in
    person's CSRF token comes in its header: the body is a stream, never read as a form."""
    csrf_token = request.headers.get(CSRF_HEADER)
    with session_scope(request.app.state.database_url) as session:
        return get_current_user(request, session, credentials, csrf_token)


UserApart = Annotated[Principal, Depends(user_apart)]
