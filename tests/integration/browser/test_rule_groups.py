"""Nested groups and time windows built in the rule form, in a real browser: an error lands on
its condition, the dry run comes before the save, and the JSON view holds what was built."""

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.support.browser import (
    SCREENSHOTS,
    NewPage,
    dry_run_and_save,
    open_rules_editor,
    rules_in_json_view,
    screenshot,
    serious_accessibility_violations,
)

pytestmark = pytest.mark.browser


def _press(page: Page, name: str) -> None:
    page.get_by_role("button", name=name, exact=True).click()


def _condition(page: Page, label: str, fact: str, values: str) -> None:
    page.get_by_label(f"Condition {label}: fact").select_option(label=fact)
    page.get_by_label(f"Condition {label}: values, comma-separated").fill(values)


def _rule_in_json_view(page: Page, rule_id: str) -> dict[str, Any]:
    page.goto("/admin/rules/edit")
    return next(rule for rule in rules_in_json_view(page) if rule["id"] == rule_id)


def test_an_admin_builds_a_nested_rule_and_a_time_window_rule(
    new_page: NewPage, database_url: str
) -> None:
    page = open_rules_editor(new_page, database_url)
    page.get_by_label("Rule id").fill("body-not-us")
    page.get_by_label("Send to pool").select_option("BODY")
    _press(page, "Add an any-of group to the rule")
    _press(page, "Add a condition to group 1")
    _condition(page, "1.1", "Body region", "ABDOMEN, PELVIS")
    _press(page, "Add a not group to group 1")
    _press(page, "Add a condition to group 1.2")
    _condition(page, "1.2.1", "Modalities, comma-separated (MR, CT)", "ultrasound")
    page.get_by_role("button", name="Put the rule in and dry-run").click()
    values = page.get_by_label("Condition 1.2.1: values, comma-separated")
    expect(values).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#error-tree-0-1-0")).to_have_text(
        "two to four capital letters, e.g. MR or CT"
    )
    values.fill("US")
    screenshot(page, "admin-rule-editor")
    groups = page.get_by_role("group", name="And all of these groups")
    groups.screenshot(path=SCREENSHOTS / "admin-rule-groups.png")
    assert serious_accessibility_violations(page) == []
    dry_run_and_save(page, "Put the rule in and dry-run", "abdomen and pelvis unless ultrasound")
    assert _rule_in_json_view(page, "body-not-us")["when"] == {
        "any": [{"region": ["ABDOMEN", "PELVIS"]}, {"not": {"modality": ["US"]}}]
    }

    page.get_by_label("Rule id").fill("weekend-nights")
    page.get_by_label("Send to pool").select_option("GENERAL")
    weekdays = page.get_by_role("group", name="Weekday received: one of")
    weekdays.get_by_label("SAT").check()
    weekdays.get_by_label("SUN").check()
    _press(page, "Add a time window to the rule")
    page.get_by_label("Time window 1: from").fill("20:00")
    page.get_by_label("Time window 1: until").fill("06:30")
    dry_run_and_save(page, "Put the rule in and dry-run", "weekend nights to the general pool")
    assert _rule_in_json_view(page, "weekend-nights")["when"] == {
        "all": [
            {"weekday": ["SAT", "SUN"]},
            {"time_between": {"start": "20:00:00", "end": "06:30:00"}},
        ]
    }
    page.goto("/admin/rules/edit?rule=body-not-us")
    expect(page.get_by_label("Condition 1.2.1: values, comma-separated")).to_have_value("US")
