"""On duty by flag or by shift window, including shifts that run past midnight."""

from datetime import datetime

import pytest

from app.people.duty import is_on_duty

NIGHTS = {"start": "18:00", "end": "07:00", "days": ["FRI"]}


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (datetime(2026, 11, 27, 19, 0), True),  # Friday evening
        (datetime(2026, 11, 28, 6, 59), True),  # Saturday morning, Friday's shift
        (datetime(2026, 11, 28, 7, 0), False),  # the shift has ended
        (datetime(2026, 11, 28, 19, 0), False),  # Saturday has no shift
        (datetime(2026, 11, 27, 6, 0), False),  # Friday morning belongs to Thursday
    ],
)
def test_overnight_shift_belongs_to_the_day_it_starts(moment: datetime, expected: bool) -> None:
    assert is_on_duty(False, [NIGHTS], moment) is expected


def test_the_flag_alone_puts_a_reader_on_duty() -> None:
    assert is_on_duty(True, [], datetime(2026, 11, 27, 3, 0))


def test_no_flag_and_no_shift_is_off_duty() -> None:
    assert not is_on_duty(False, [], datetime(2026, 11, 27, 12, 0))
