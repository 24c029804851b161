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
    zone = UTC
    if offset:
        minutes = int(offset[1:3]) * 60 + int(offset[3:5])
        zone = timezone(timedelta(minutes=minutes if offset[0] == "+" else -minutes))
    try:
        return datetime(
            int(year), int(month or 1), int(day or 1),
            int(hour or 0), int(minute or 0), int(second or 0), tzinfo=zone,
        )  # fmt: skip
    except ValueError:
        return None


def format_timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%d%H%M%S+0000")
