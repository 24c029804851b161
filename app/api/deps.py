"""Dependencies every route declares: a session per request and the calling principal."""

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Annotated

import anyio
import anyio.to_thread
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from app.api.access import allowed_roles
from app.audit import refusals
from app.auth.errors import AuthenticationError
from app.auth.principal import Principal
from app.auth.service import authenticate
from app.db.session import POOL_CAPACITY, session_scope
from app.errors import Forbidden
from app.settings import Settings

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


# Function scope: the transaction ends before the answer is sent, not after, so a client never
# acts on a write that is not yet visible (or that then fails to commit).
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
SettingsDep = Annotated[Settings, Depends(get_settings)]


def get_current_user(
    request: Request,
    session: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """The authenticated caller, if the access table lets their role use this route."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise AuthenticationError("a bearer token is required")
    source = request.client.host if request.client else None
    route = getattr(request.scope.get("route"), "path", request.url.path)
    try:
        principal = authenticate(session, credentials.credentials, source_address=source)
    except AuthenticationError as error:
        refusals.login_failed(request.app.state.database_url, source, route, str(error))
        raise
    if principal.role not in allowed_roles(request.method, route):
        refusals.role_refused(request.app.state.database_url, principal, request.method, route)
        raise Forbidden(f"the {principal.role} role may not {request.method} {route}")
    request.app.state.poll_limit.check(principal.token_id, request.method, route)
    return principal


CurrentUser = Annotated[Principal, Depends(get_current_user)]
