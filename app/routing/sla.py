"""Service levels: when a task is due, and how much reading it is."""

from datetime import datetime, timedelta

from app.settings import Settings
from app.vocabulary import Priority

# Relative reading effort by modality, after typical RVU ratios; unknown modalities weigh 1.
MODALITY_WEIGHTS: dict[str, float] = {
    "MR": 2.0,
    "PT": 2.0,
    "CT": 1.5,
    "NM": 1.5,
    "MG": 1.0,
    "US": 1.0,
    "RF": 1.0,
    "XA": 1.0,
    "CR": 0.5,
    "DX": 0.5,
    "BMD": 0.5,
}
PRIORITY_STEP_UP = {
    Priority.ROUTINE.value: Priority.URGENT.value,
    Priority.URGENT.value: Priority.STAT.value,
}


def sla_hours(settings: Settings, priority: str, *, second_opinion: bool = False) -> float:
    if second_opinion:
        return settings.sla_second_opinion_hours
    return {
        Priority.STAT.value: settings.sla_stat_hours,
        Priority.URGENT.value: settings.sla_urgent_hours,
    }.get(priority, settings.sla_routine_hours)


def due_at(
    settings: Settings, priority: str, since: datetime, *, second_opinion: bool = False
) -> datetime:
    return since + timedelta(hours=sla_hours(settings, priority, second_opinion=second_opinion))


def workload_weight(modalities: list[str]) -> float:
    """The heaviest modality in the study sets its weight."""
    return max(
        (MODALITY_WEIGHTS.get(modality.upper(), 1.0) for modality in modalities), default=1.0
    )
