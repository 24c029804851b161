"""Due times by priority and workload weights by modality."""

from datetime import UTC, datetime, timedelta

import pytest

from app.routing.workload import workload_weight
from app.settings import Settings
from app.tasks.service_levels import due_at

START = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("priority", "second_opinion", "hours"),
    [("STAT", False, 1), ("URGENT", False, 4), ("ROUTINE", False, 24), ("ROUTINE", True, 72)],
)
def test_default_service_levels(priority: str, second_opinion: bool, hours: int) -> None:
    due = due_at(Settings(), priority, START, second_opinion=second_opinion)
    assert due == START + timedelta(hours=hours)


def test_service_levels_are_configurable() -> None:
    settings = Settings(WORKLIST_SLA_STAT_HOURS=0.5)
    assert due_at(settings, "STAT", START) == START + timedelta(minutes=30)


def test_the_heaviest_modality_sets_the_weight() -> None:
    assert workload_weight(["CR", "MR"]) == 2.0
    assert workload_weight([]) == workload_weight(["XX"]) == 1.0


@pytest.mark.parametrize(("level", "hours"), [("24h", 24), ("48h", 48), ("72h", 72)])
def test_a_requests_service_level_sets_its_due_time_whatever_the_priority(
    level: str, hours: int
) -> None:
    for priority in ("STAT", "ROUTINE"):
        due = due_at(Settings(), priority, START, service_level=level)
        assert due == START + timedelta(hours=hours)


def test_request_service_levels_are_configurable() -> None:
    settings = Settings(WORKLIST_SLA_24H_HOURS=20)
    assert due_at(settings, "ROUTINE", START, service_level="24h") == START + timedelta(hours=20)
