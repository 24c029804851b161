"""Bearer token material: random, shown once, stored only as a hash."""

import hashlib
import secrets

TOKEN_PREFIX = "wl_"


def generate_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    # Tokens carry 256 random bits, so a fast hash is enough: there is nothing to brute-force.
    return hashlib.sha256(token.encode()).hexdigest()


def display_prefix(token: str) -> str:
    """The first characters, enough for an admin to recognise a token in a list."""
    return token[: len(TOKEN_PREFIX) + 6]
