"""Password hashing (Argon2id) and the policy a new password must meet."""

from functools import lru_cache
from pathlib import Path

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from app.errors import Invalid

MIN_LENGTH = 12
MAX_LENGTH = 256  # hashing is deliberately slow: a megabyte password would be a cheap attack
_COMMON_LIST = Path(__file__).with_name("common_passwords.txt")

_hasher = PasswordHash((Argon2Hasher(),))  # Argon2id with the library's recommended costs


class PasswordRefused(Invalid):
    """The new password does not meet the policy; the message says which rule."""


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    lines = _COMMON_LIST.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line and not line.startswith("#"))


def check_policy(password: str, user_name: str) -> None:
    if len(password) < MIN_LENGTH:
        raise PasswordRefused(f"a password has at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        raise PasswordRefused(f"a password has at most {MAX_LENGTH} characters")
    lowered = password.lower()
    if lowered in common_passwords():
        raise PasswordRefused("this password is on the list of common passwords: choose another")
    if user_name.lower() in lowered:
        raise PasswordRefused("a password must not contain the sign-in name")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password: str, password_hash: str | None) -> bool:
    """True if it matches; with no hash (never set), still spends the time a check takes."""
    if password_hash is None:
        _hasher.hash(password)
        return False
    return _hasher.verify(password[:MAX_LENGTH], password_hash)
