"""Whether a radiologist is on duty: the flag, or now falling inside one of their shift windows."""

from datetime import datetime, timedelta
from typing import Any

from pydantic import Field

from app.time_windows import WEEKDAYS, TimeWindow, Weekday


class ShiftWindow(TimeWindow):
    """A weekly shift in local time; `days` are the days it starts on (every day when absent)."""

    days: list[Weekday] | None = Field(None, min_length=1)

    def covers(self, moment: datetime) -> bool:
        """Whether a local date and time falls inside this shift."""
        if not self.contains(moment.time()):
            return False
        if self.days is None:
            return True
        wrapped_into_next_day = self.start > self.end and moment.time() < self.end
        started = moment - timedelta(days=1) if wrapped_into_next_day else moment
        return WEEKDAYS[started.weekday()] in self.days


def is_on_duty(on_duty: bool, shift_windows: list[dict[str, Any]], local_now: datetime) -> bool:
    """On duty by the flag, or by a shift window covering `local_now`."""
    return on_duty or any(
        ShiftWindow.model_validate(window).covers(local_now) for window in shift_windows
    )
