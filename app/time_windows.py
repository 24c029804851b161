"""Clock windows and weekdays: what rules' time conditions and radiologists' shifts are made of."""

from datetime import time
from typing import Literal

from pydantic import BaseModel, ConfigDict, field_validator

Weekday = Literal["MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"]
WEEKDAYS: tuple[Weekday, ...] = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")


class TimeWindow(BaseModel):
    """Local clock window; `end` before `start` wraps past midnight (e.g. 18:00–07:00)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    start: time
    end: time

    @field_validator("start", "end")
    @classmethod
    def _local_clock_time(cls, value: time) -> time:
        # An offset would make the window incomparable with the local clock it is checked against.
        if value.tzinfo is not None:
            raise ValueError("a local clock time, without a UTC offset")
        return value

    def contains(self, moment: time) -> bool:
        """Whether a local clock time falls in [start, end)."""
        if self.start <= self.end:
            return self.start <= moment < self.end
        return moment >= self.start or moment < self.end
