"""Weekly shifts typed one a line, read back as the same text; a bad line named."""

import pytest

from app.people.shift_text import ShiftTextInvalid, parse_shifts, shifts_text


def test_typed_shifts_round_trip() -> None:
    text = "MON,TUE,WED 08:00-17:00\n18:00-07:00"
    shifts = parse_shifts(text)
    assert [shift.days for shift in shifts] == [["MON", "TUE", "WED"], None]
    assert shifts_text(shifts) == text


def test_lower_case_days_and_blank_lines_are_accepted() -> None:
    assert shifts_text(parse_shifts("\n sat, sun 9:00-13:00 \n")) == "SAT,SUN 09:00-13:00"


@pytest.mark.parametrize(
    ("text", "message"),
    [("MON 8-17", "shift line 1: expected"),
     ("08:00-17:00\nFUN 08:00-09:00", "line 2: unknown day FUN"),
     ("MON 25:00-26:00", "shift line 1:")],
)  # fmt: skip
def test_a_bad_line_is_named(text: str, message: str) -> None:
    with pytest.raises(ShiftTextInvalid, match=message):
        parse_shifts(text)
