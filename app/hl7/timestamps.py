"""HL7 v2 timestamps (TS/DTM): YYYY[MM[DD[HH[MM[SS[.S+]]]]]][+/-ZZZZ], and back."""

import re
from datetime import UTC, datetime, timedelta, timezone

_TS = re.compile(r"^(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?(?:\.\d+)?([+-]\d{4})?$")


def parse_timestamp(text: str) -> datetime | None:
    """The moment, in its offset (UTC when none is given); None when empty or not a timestamp."""
    if not text:
        return None
    match = _TS.match(text.strip())
    if match is None:
        return None
    year, month, day, hour, minute, second, offset = match.groups()
    try:
        zone = _zone(offset) if offset else UTC
        moment = datetime(
            int(year), int(month or 1), int(day or 1),
            int(hour or 0), int(minute or 0), int(second or 0), tzinfo=zone,
        )  # fmt: skip
        # A moment kept must also be one in UTC: 0001-01-01 at +14:00 is not, and Postgres would
        # keep it as a year BC that no reader could then read back.
        moment.astimezone(UTC)
    except (ValueError, OverflowError):
        return None
    return moment


def _zone(offset: str) -> timezone:
    """+HHMM or -HHMM; ValueError past 23:59 or for minutes past 59."""
    hours, minutes = int(offset[1:3]), int(offset[3:5])
    if minutes > 59:
        raise ValueError(f"offset {offset}")
    span = timedelta(hours=hours, minutes=minutes)
    return timezone(span if offset[0] == "+" else -span)


def format_timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%d%H%M%S+0000")
