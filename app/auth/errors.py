"""Authentication failures (the API maps them to 401) and token administration errors."""

from app.errors import Invalid, NotFound


class AuthenticationError(Exception):
    """No usable credentials: missing, unknown, revoked or expired token."""


class UnknownRadiologist(Invalid):
    """A radiologist token must point at an existing radiologist record."""


class TokenNotFound(NotFound):
    pass
