"""The department figures in a real browser equal the JSON endpoints' for the same period."""

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import expect
from sqlalchemy.orm import Session

from app.vocabulary import Role
from tests.integration.web.test_dashboard_page import _finished
from tests.support.browser import NewPage, screenshot, serious_accessibility_violations, sign_in
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
    screenshot(page, "admin-dashboard")
    assert serious_accessibility_violations(page) == []
