"""The department figures in a real browser equal the JSON endpoints' for the same period."""

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import expect
from sqlalchemy.orm import Session

from app.vocabulary import Role
from tests.integration.web.test_dashboard_page import (
    _association_refused,
    _finished,
    _instances_received,
)
from tests.support.browser import (
    SCREENSHOTS,
    NewPage,
    screenshot,
    serious_accessibility_violations,
    sign_in,
)
from tests.support.factories import make_radiologist
from tests.support.web import make_account

pytestmark = pytest.mark.browser


def test_dashboard_figures_equal_the_json_for_the_same_period(
    new_page: NewPage, session: Session, database_url: str, client: TestClient,
    admin_headers: dict[str, str],
) -> None:  # fmt: skip
    reader = make_radiologist(session, ("MSK",), name="Dr Steady")
    for minutes, priority in ((20, "STAT"), (45, "STAT"), (300, "ROUTINE"), (900, "ROUTINE")):
        _finished(session, reader.id, priority, minutes)
    _instances_received(session, [3, 3, 4, 4, 4, 65, 130, 130, 131, 400])
    _association_refused(session, {"0xA700": 2, "0xC000": 1})
    session.commit()
    make_account(database_url, "ms-admin", Role.ADMIN)
    page = new_page()
    sign_in(page, "ms-admin")
    page.get_by_role("link", name="Figures").click()
    page.get_by_label("Period: the last days").fill("14")
    page.get_by_role("button", name="Show").click()
    speed = client.get("/api/v1/metrics/turnaround?days=14", headers=admin_headers).json()
    table = page.get_by_role("table", name="Turnaround by priority")
    for row in speed["by_priority"]:
        cells = table.get_by_role("row").filter(has_text=row["group"]).get_by_role("cell")
        expect(cells).to_have_text(
            [row["group"], str(row["finalized"]), str(row["median_minutes"]),
             str(row["p90_minutes"]), str(row["finalized_late"])]
        )  # fmt: skip
    chart = page.get_by_role("img", name="Turnaround by priority")
    expect(chart.locator("title").first).to_contain_text("median")
    ingest = client.get("/api/v1/metrics/ingest", headers=admin_headers).json()
    refused = page.get_by_role("table", name="Instances refused by status")
    for status, count in ingest["failures_by_status"].items():
        cells = refused.get_by_role("row").filter(has_text=status).get_by_role("cell")
        expect(cells).to_have_text([status, str(count)])
    hours = page.get_by_role("table", name="Instances received by hour")
    expect(hours.locator("tbody tr")).to_have_count(len(ingest["per_hour"]))
    per_minute = page.get_by_role("img", name="Instances per minute over the last 24 hours")
    expect(per_minute.locator("rect title")).to_have_count(len(ingest["per_minute"]))
    screenshot(page, "admin-dashboard")
    page.get_by_role("region", name="Ingest over the last day").screenshot(
        path=SCREENSHOTS / "admin-dashboard-ingest.png"
    )
    assert serious_accessibility_violations(page) == []
