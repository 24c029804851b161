"""Rules reordered in a real browser by keys, by their buttons and by dragging; the new order
goes through the dry run and the save like any change."""

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.support.browser import (
    NewPage,
    dry_run_and_save,
    open_rules_editor,
    rules_in_json_view,
    screenshot,
    serious_accessibility_violations,
)

pytestmark = pytest.mark.browser


def _listed(order: Locator) -> list[str]:
    ids: list[str] = order.get_by_role("listitem").evaluate_all(
        "items => items.map(item => item.dataset.id)"
    )
    return ids


def _in_json_view(page: Page) -> list[str]:
    return [rule["id"] for rule in rules_in_json_view(page)]


def _item(order: Locator, rule_id: str) -> Locator:
    return order.get_by_role("listitem").filter(has=order.page.get_by_text(rule_id, exact=True))


def test_an_admin_reorders_rules_by_keys_buttons_and_drag_then_saves_after_the_dry_run(
    new_page: NewPage, database_url: str
) -> None:
    page = open_rules_editor(new_page, database_url)
    order = page.get_by_role("list", name="Order of the rules")
    ids = _listed(order)

    _item(order, ids[1]).focus()
    page.keyboard.press("Alt+ArrowUp")
    expected = [ids[1], ids[0], *ids[2:]]
    assert _listed(order) == expected
    expect(page.locator("#order-news")).to_contain_text(f"{ids[1]} is now rule 1 of")
    expect(_item(order, ids[1])).to_be_focused()

    page.get_by_role("button", name=f"Move down: {ids[2]}").click()
    expected[2], expected[3] = expected[3], expected[2]
    assert _listed(order) == expected

    _item(order, ids[4]).drag_to(_item(order, expected[0]))
    expected = [ids[4], *(rule for rule in expected if rule != ids[4])]
    assert _listed(order) == expected
    assert _in_json_view(page) == expected
    assert expected[-1] == ids[-1]
    assert serious_accessibility_violations(page) == []
    screenshot(page, "admin-rule-order")

    dry_run_and_save(page, "Dry-run this order", "check the extremities first")
    expect(page.get_by_role("heading", name="Version 2 saved")).to_be_visible()
    page.goto("/admin/rules/edit")
    assert _in_json_view(page) == expected
