"""Weekly shifts as people type them, one a line: `MON,TUE,WED 08:00-17:00`, or `18:00-07:00`
for every day; and back to that text."""

import re

from pydantic import ValidationError

from app.people.duty import ShiftWindow
from app.time_windows import WEEKDAYS

_LINE = re.compile(
    r"^(?:(?P<days>[A-Za-z, ]+?)\s+)?(?P<start>\d{1,2}:\d{2})\s*-\s*(?P<end>\d{1,2}:\d{2})$"
)


class ShiftTextInvalid(ValueError):
    """A line that is not a shift; the message names the line."""


def parse_shifts(text: str) -> list[ShiftWindow]:
    shifts = []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            shifts.append(_shift(number, line.strip()))
    return shifts


def shifts_text(shifts: list[ShiftWindow]) -> str:
    return "\n".join(_line(shift) for shift in shifts)


def _shift(number: int, line: str) -> ShiftWindow:
    found = _LINE.match(line)
    if found is None:
        raise ShiftTextInvalid(f"shift line {number}: expected 'MON,TUE 08:00-17:00', got '{line}'")
    days = [day.strip().upper() for day in (found["days"] or "").split(",") if day.strip()]
    unknown = [day for day in days if day not in WEEKDAYS]
    if unknown:
        raise ShiftTextInvalid(f"shift line {number}: unknown day {', '.join(unknown)}")
    try:
        return ShiftWindow.model_validate(
            {"start": _padded(found["start"]), "end": _padded(found["end"]), "days": days or None}
        )
    except ValidationError as error:
        raise ShiftTextInvalid(f"shift line {number}: {error.errors()[0]['msg']}") from error


def _padded(clock: str) -> str:
    return clock.zfill(5)


def _line(shift: ShiftWindow) -> str:
    hours = f"{shift.start:%H:%M}-{shift.end:%H:%M}"
    return f"{','.join(shift.days)} {hours}" if shift.days else hours
