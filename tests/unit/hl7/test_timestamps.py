"""HL7 timestamps read as moments, and what is not one read as none."""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from app.hl7.timestamps import format_timestamp, parse_timestamp


@pytest.mark.parametrize(
    ("text", "moment"),
    [
        ("2026", datetime(2026, 1, 1, tzinfo=UTC)),
        ("202612060815", datetime(2026, 12, 6, 8, 15, tzinfo=UTC)),
        ("20261206081500.123+0530", datetime(2026, 12, 6, 2, 45, tzinfo=UTC)),
        ("20261206081500-0100", datetime(2026, 12, 6, 9, 15, tzinfo=UTC)),
        ("00010101-1400", datetime(1, 1, 1, 14, tzinfo=UTC)),
    ],
)
def test_a_timestamp_is_read_in_its_offset(text: str, moment: datetime) -> None:
    assert parse_timestamp(text) == moment


@pytest.mark.parametrize(
    "text",
    [
        "",
        "soon",
        "20260230",  # no such day
        "20261206081500+9999",  # no such offset: it once failed the whole message
        "20261206081500+2400",
        "20261206081500+0160",
        "00010101+1400",  # before the year 1 in UTC: Postgres would keep it as a year BC
        "99991231235959-0100",  # after the year 9999 in UTC
    ],
)
def test_what_is_not_a_moment_in_utc_is_read_as_none(text: str) -> None:
    assert parse_timestamp(text) is None


def test_a_moment_is_written_in_utc() -> None:
    moment = datetime(2026, 12, 6, 8, 15, tzinfo=timezone(timedelta(hours=1)))
    assert format_timestamp(moment) == "20261206071500+0000"
