"""Dependencies every route declares: a session per request and the calling principal."""

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from app.api.access import allowed_roles
from app.audit import refusals
from app.auth.errors import AuthenticationError
from app.auth.principal import Principal
from app.auth.service import authenticate
from app.db.session import new_session
from app.errors import Forbidden
from app.settings import Settings

_bearer = HTTPBearer(auto_error=False, description="An API token from `worklist token create`")


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_session(request: Request) -> Iterator[Session]:
    """One session and transaction per request: committed on success, rolled back on error."""
    session = new_session(request.app.state.database_url)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


SessionDep = Annotated[Session, Depends(get_session)]
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
