"""The rules a new password meets, and its Argon2id hash."""

import pytest

from app.auth.passwords import PasswordRefused, check_policy, hash_password, verify_password


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("elevenchars", "at least 12 characters"),
        ("Password1234", "common passwords"),
        ("my name is dr-lee!", "sign-in name"),
        ("x" * 257, "at most 256"),
    ],
)
def test_a_weak_password_is_refused_with_its_reason(password: str, reason: str) -> None:
    with pytest.raises(PasswordRefused, match=reason):
        check_policy(password, "dr-lee")


def test_a_long_uncommon_password_is_accepted_and_hashed_with_argon2id() -> None:
    check_policy("violet kestrel above the harbour", "dr-lee")
    hashed = hash_password("violet kestrel above the harbour")
    assert hashed.startswith("$argon2id$")
    assert verify_password("violet kestrel above the harbour", hashed)
    assert not verify_password("violet kestrel above the harbor", hashed)
    assert not verify_password("anything at all", None)
