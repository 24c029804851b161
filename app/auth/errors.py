"""Authentication failures (the API maps them to 401) and token administration errors."""

from app.errors import Conflict, Forbidden, Invalid, NotFound


class AuthenticationError(Exception):
    """No usable credentials: missing, unknown, revoked or expired token."""


class UnknownRadiologist(Invalid):
    """A radiologist token must point at an existing radiologist record."""


class TokenNotFound(NotFound):
    pass


class UserNotFound(NotFound):
    pass


class UserNameTaken(Conflict):
    pass


class LinkNotValid(Invalid):
    """A set-password link that is unknown, already used or older than a day."""


class CsrfRefused(Forbidden):
    """A state-changing request from a signed-in browser without the session's CSRF token."""
