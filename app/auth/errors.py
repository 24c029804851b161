"""Authentication failures; the API maps them to 401."""


class AuthenticationError(Exception):
    """No usable credentials: missing, unknown, revoked or expired token."""


class UnknownRadiologist(ValueError):
    """A radiologist token must point at an existing radiologist record."""
