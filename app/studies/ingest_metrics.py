"""What came in over the last day: instances per minute and per hour, instances refused by status,
studies still waiting for their quiet period. The dashboard and `/api/v1/metrics/ingest` both show
this one report."""

from datetime import datetime, timedelta, tzinfo

from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from app.audit.repository import association_failures_by_status
from app.studies.repository import count_awaiting_stability, instances_per_minute

PERIOD = timedelta(days=1)


class MinuteCount(BaseModel):
    minute: datetime
    instances: int


class HourCount(BaseModel):
    hour: datetime = Field(description="the start of an hour of the department's clock")
    instances: int
    busiest_minute: int = Field(description="instances in the hour's busiest minute")


class IngestReport(BaseModel):
    since: datetime
    instances: int = Field(description="instances received since `since`")
    per_minute: list[MinuteCount] = Field(description="minutes that received any, oldest first")
    per_hour: list[HourCount] = Field(description="hours that received any, oldest first")
    failures_by_status: dict[str, int] = Field(
        description='instances the listener refused, by the DICOM status answered ("0xA700")'
    )
    waiting_for_stability: int = Field(description="studies not yet quiet long enough to route")


def ingest_report(session: Session, now: datetime, zone: tzinfo) -> IngestReport:
    """The last day's ingest, its hours those of the department's clock (`zone`)."""
    since = now - PERIOD
    counted = instances_per_minute(session, since)
    minutes = [MinuteCount(minute=at, instances=count) for at, count in counted]
    return IngestReport(
        since=since,
        instances=sum(minute.instances for minute in minutes),
        per_minute=minutes,
        per_hour=by_department_hour(minutes, zone),
        failures_by_status=association_failures_by_status(session, since),
        waiting_for_stability=count_awaiting_stability(session),
    )


def by_department_hour(minutes: list[MinuteCount], zone: tzinfo) -> list[HourCount]:
    """The minutes' counts summed by the hours of the clock of `zone`, oldest first."""
    # Keyed by the hour's start as an instant: a zone half an hour off UTC starts its hours at
    # half past, and the hour a clock repeats when summer time ends is two hours, not one.
    hours: dict[datetime, list[int]] = {}
    for minute in minutes:
        past_the_hour = minute.minute.astimezone(zone).minute
        hour = minute.minute - timedelta(minutes=past_the_hour)
        hours.setdefault(hour, []).append(minute.instances)
    return [
        HourCount(hour=hour.astimezone(zone), instances=sum(counts), busiest_minute=max(counts))
        for hour, counts in hours.items()
    ]
