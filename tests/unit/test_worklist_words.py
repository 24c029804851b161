"""How the worklist page words the time left: by the share of the SLA used, never colour alone."""

from datetime import UTC, datetime, timedelta

from app.web.worklist_view import due_words

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)


def test_time_left_early_in_the_sla_is_ok() -> None:
    assert due_words(NOW, NOW + timedelta(hours=4), False, NOW) == ("4 h 0 min left", "due-ok")


def test_three_quarters_of_the_sla_used_is_late() -> None:
    created = NOW - timedelta(hours=3)
    assert due_words(created, NOW + timedelta(minutes=45), False, NOW) == (
        "45 min left",
        "due-late",
    )


def test_past_the_due_time_says_overdue_in_words() -> None:
    created = NOW - timedelta(hours=2)
    words = due_words(created, NOW - timedelta(minutes=80), True, NOW)
    assert words == ("overdue by 1 h 20 min", "due-overdue")
