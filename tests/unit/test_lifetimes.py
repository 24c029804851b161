from datetime import timedelta

import pytest

from app.auth.lifetimes import parse_lifetime


@pytest.mark.parametrize(
    ("text", "expected"),
    [("90d", timedelta(days=90)), ("12h", timedelta(hours=12)), (" 30M ", timedelta(minutes=30))],
)
def test_lifetimes_read_as_an_operator_writes_them(text: str, expected: timedelta) -> None:
    assert parse_lifetime(text) == expected


@pytest.mark.parametrize("text", ["", "0d", "12", "1w", "-5d", "3651d", "1d; drop table"])
def test_unreadable_or_unreasonable_lifetimes_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="lifetime"):
        parse_lifetime(text)
