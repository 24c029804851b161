"""`/admin/dashboard`: turnaround and concordance over a chosen period and ingest over the last
day, from the same functions as `/api/v1/metrics/*`, with charts drawn on the server (admins
only)."""

from datetime import UTC, datetime, timedelta, tzinfo
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from app.api.deps import CurrentUser, SessionDep, SettingsDep
from app.studies.ingest_metrics import PERIOD, IngestReport, ingest_report
from app.tasks.metrics import Turnaround, cases_needing_review, concordance, turnaround
from app.web.charts import Chart, Timeline, timeline_chart, turnaround_chart
from app.web.rendering import page

router = APIRouter(include_in_schema=False)


@router.get("/admin/dashboard")
def dashboard_page(
    request: Request, user: CurrentUser, session: SessionDep, settings: SettingsDep,
    days: Annotated[int, Query(ge=1, le=3650)] = 30,
) -> HTMLResponse:  # fmt: skip
    now = datetime.now(UTC)
    since = now - timedelta(days=days)
    speed = turnaround(session, since)
    ingest = ingest_report(session, now, settings.zone)
    tables: dict[str, list[tuple[str, Turnaround]]] = {
        "priority": [(row.group, row) for row in speed.by_priority],
        "pool": [(row.group, row) for row in speed.by_subspecialty],
        "reader": [(row.reader.name if row.reader else "nobody", row) for row in speed.by_reader],
    }
    return page(
        request, "dashboard.html", days=days, since=since, speed=speed,
        turnaround=[(by, rows, _chart(rows)) for by, rows in tables.items()],
        quality=concordance(session, since), review=cases_needing_review(session, since),
        ingest=ingest, ingest_chart=_per_minute_chart(ingest, settings.zone),
    )  # fmt: skip


def _chart(rows: list[tuple[str, Turnaround]]) -> Chart:
    return turnaround_chart([(label, row.median_minutes, row.p90_minutes) for label, row in rows])


def _per_minute_chart(ingest: IngestReport, zone: tzinfo) -> Timeline:
    minutes = [(row.minute.astimezone(zone), row.instances) for row in ingest.per_minute]
    slots = PERIOD // timedelta(minutes=1)
    return timeline_chart(minutes, ingest.since, timedelta(minutes=1), slots)
