"""The ingest report's hours are the department's: where its clock starts an hour, and the hour it
repeats when summer time ends counted as the two hours it is."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from app.studies.ingest_metrics import MinuteCount, by_department_hour


def _minutes(*counted: tuple[str, int]) -> list[MinuteCount]:
    return [
        MinuteCount(minute=datetime.fromisoformat(at).replace(tzinfo=UTC), instances=count)
        for at, count in counted
    ]


def _hours(minutes: list[MinuteCount], zone: str) -> list[tuple[str, int, int]]:
    return [
        (hour.hour.isoformat(), hour.instances, hour.busiest_minute)
        for hour in by_department_hour(minutes, ZoneInfo(zone))
    ]


def test_hours_start_where_the_department_clock_starts_them() -> None:
    minutes = _minutes(("2026-12-07T03:20", 4), ("2026-12-07T03:40", 7), ("2026-12-07T04:10", 2))

    assert _hours(minutes, "UTC") == [
        ("2026-12-07T03:00:00+00:00", 11, 7),
        ("2026-12-07T04:00:00+00:00", 2, 2),
    ]
    # Half an hour off UTC: 08:50, then 09:10 and 09:40 on the clock in Kolkata.
    assert _hours(minutes, "Asia/Kolkata") == [
        ("2026-12-07T08:00:00+05:30", 4, 4),
        ("2026-12-07T09:00:00+05:30", 9, 7),
    ]


def test_the_hour_repeated_when_summer_time_ends_is_two_hours() -> None:
    # Paris, 25 October 2026: 02:30 summer time, then 02:30 winter time an hour later.
    minutes = _minutes(("2026-10-25T00:30", 3), ("2026-10-25T01:30", 5))

    assert _hours(minutes, "Europe/Paris") == [
        ("2026-10-25T02:00:00+02:00", 3, 3),
        ("2026-10-25T02:00:00+01:00", 5, 5),
    ]
