"""Figures for department leads: RADPEER concordance, turnaround and ingest."""

from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Query

from app.api.deps import CurrentUser, SessionDep, SettingsDep
from app.studies.ingest_metrics import IngestReport, ingest_report
from app.tasks.metrics import ConcordanceReport, TurnaroundReport, concordance, turnaround

router = APIRouter(prefix="/api/v1/metrics", tags=["metrics"])

WindowDays = Annotated[int, Query(ge=1, le=3650, description="how many days back")]


@router.get("/concordance", summary="RADPEER concordance of second opinions")
def read_concordance(
    user: CurrentUser, session: SessionDep, days: WindowDays = 90
) -> ConcordanceReport:
    """RADPEER scores of second opinions, by subspecialty and by the primary reader.

    Over the last `days`; 2b, 3a and 3b count as needing review. Changes nothing.
    """
    return concordance(session, datetime.now(UTC) - timedelta(days=days))


@router.get("/turnaround", summary="Reading turnaround times")
def read_turnaround(
    user: CurrentUser, session: SessionDep, days: WindowDays = 30
) -> TurnaroundReport:
    """Median and p90 minutes from stable to final, by priority, subspecialty and reader.

    Over the last `days`, plus the open tasks overdue now. Changes nothing.
    """
    return turnaround(session, datetime.now(UTC) - timedelta(days=days))


@router.get("/ingest", summary="Instances received and refused over the last day")
def read_ingest(user: CurrentUser, session: SessionDep, settings: SettingsDep) -> IngestReport:
    """Instances received per minute and per hour over the last 24 hours, instances the DICOM
    listener refused by the status it answered, and studies still waiting for their quiet period.

    The hours are those of the department's clock (`WORKLIST_TIMEZONE`). Changes nothing.
    """
    return ingest_report(session, datetime.now(UTC), settings.zone)
