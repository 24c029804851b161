"""Service levels: how urgent each priority is, and when a task of it is due.

Every due time in the service comes from `due_at` over the settings: routing, a changed
priority, a second opinion, an outside request's service level.
"""

from datetime import datetime, timedelta

from app.settings import Settings
from app.vocabulary import Priority, ServiceLevel

# Most urgent first: the order "most urgent" means in every list, query and "next case".
RANK_OF_PRIORITY: dict[str, int] = {priority.value: rank for rank, priority in enumerate(Priority)}
PRIORITY_STEP_UP = {
    Priority.ROUTINE.value: Priority.URGENT.value,
    Priority.URGENT.value: Priority.STAT.value,
}


def sla_hours(
    settings: Settings,
    priority: str,
    *,
    second_opinion: bool = False,
    service_level: str | None = None,
) -> float:
    """An outside request's service level decides alone: it is what the requester was promised."""
    if service_level is not None:
        return {
            ServiceLevel.HOURS_24.value: settings.sla_24h_hours,
            ServiceLevel.HOURS_48.value: settings.sla_48h_hours,
        }.get(service_level, settings.sla_72h_hours)
    if second_opinion:
        return settings.sla_second_opinion_hours
    return {
        Priority.STAT.value: settings.sla_stat_hours,
        Priority.URGENT.value: settings.sla_urgent_hours,
    }.get(priority, settings.sla_routine_hours)


def due_at(
    settings: Settings,
    priority: str,
    since: datetime,
    *,
    second_opinion: bool = False,
    service_level: str | None = None,
) -> datetime:
    hours = sla_hours(
        settings, priority, second_opinion=second_opinion, service_level=service_level
    )
    return since + timedelta(hours=hours)
