"""Token lifetimes as an operator types them: `90d`, `12h`, `30m`."""

import re
from datetime import timedelta

_UNITS = {"m": "minutes", "h": "hours", "d": "days"}
_LIFETIME = re.compile(r"^\s*(\d{1,6})\s*([mhd])\s*$")
LONGEST = timedelta(days=3650)


def parse_lifetime(text: str) -> timedelta:
    match = _LIFETIME.match(text.lower())
    if match is None:
        raise ValueError(f"{text!r} is not a lifetime like 90d, 12h or 30m")
    lifetime = timedelta(**{_UNITS[match[2]]: int(match[1])})
    if not timedelta(0) < lifetime <= LONGEST:
        raise ValueError(f"a lifetime is more than 0 and at most {LONGEST.days} days")
    return lifetime
