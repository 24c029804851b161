"""Refused requests, audited in a transaction of their own: the request itself rolls back."""

from app.audit.events import AuditAction, Outcome
from app.audit.service import record_apart
from app.principal import Principal


def login_failed(database_url: str, source_address: str | None, route: str, reason: str) -> None:
    """A presented token was unknown, revoked or expired (PS3.15 A.5.3.12 User Authentication)."""
    anonymous = Principal(name="unauthenticated", role=None, source_address=source_address)
    record_apart(
        database_url,
        anonymous,
        AuditAction.USER_AUTHENTICATION,
        outcome=Outcome.MINOR_FAILURE,
        details={"reason": reason, "route": route},
    )


def role_refused(database_url: str, principal: Principal, method: str, route: str) -> None:
    """A valid token tried a route its role may not use (PS3.15 A.5.3.11 Security Alert)."""
    record_apart(
        database_url,
        principal,
        AuditAction.SECURITY_ALERT,
        outcome=Outcome.MINOR_FAILURE,
        details={"reason": "role not allowed", "method": method, "route": route},
    )
