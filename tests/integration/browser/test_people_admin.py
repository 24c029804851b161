"""Radiologists in a real browser: a reader taken off duty and their waiting task reassigned from
the eligibility view; the pages refused to a radiologist; axe-core finds nothing serious."""

import pytest
from playwright.sync_api import expect
from sqlalchemy.orm import Session

from app.tasks.models import ReadingTask
from app.vocabulary import Role, TaskState
from tests.support.browser import NewPage, screenshot, serious_accessibility_violations, sign_in
from tests.support.factories import make_radiologist, make_task
from tests.support.web import make_account

pytestmark = pytest.mark.browser


def test_a_reader_taken_off_duty_has_their_waiting_task_reassigned(
    new_page: NewPage, session: Session, database_url: str
) -> None:
    leaving = make_radiologist(session, ("NEURO",), name="Dr Leaving")
    staying = make_radiologist(session, ("NEURO",), name="Dr Staying")
    task = make_task(session, assignee_id=leaving.id, state=TaskState.ASSIGNED.value,
                     subspecialty="NEURO")  # fmt: skip
    session.commit()
    make_account(database_url, "ms-admin", Role.ADMIN)
    page = new_page()
    sign_in(page, "ms-admin")
    page.get_by_role("link", name="Radiologists").click()
    expect(page.get_by_role("table", name="On duty now")).to_contain_text("Dr Leaving")
    screenshot(page, "admin-people")
    assert serious_accessibility_violations(page) == []
    page.get_by_role("table", name="Radiologists").get_by_role("link", name="Dr Leaving").click()
    page.get_by_label("On duty (switch)").uncheck()
    page.get_by_role("button", name="Save Dr Leaving").click()
    expect(page.get_by_role("status")).to_have_text("Dr Leaving saved.")
    page.get_by_role("link", name=f"Who could read task {task.id}").click()
    row = page.get_by_role("row").filter(has_text="Dr Leaving")
    expect(row).to_contain_text("off duty")
    screenshot(page, "admin-eligibility")
    assert serious_accessibility_violations(page) == []
    page.get_by_role("button", name="Reassign to Dr Staying").click()
    expect(page.get_by_role("status")).to_have_text(f"Task {task.id} assigned to Dr Staying.")
    session.expire_all()
    assert session.get_one(ReadingTask, task.id).assignee_id == staying.id
    page.goto("/admin/people")
    expect(page.get_by_role("table", name="On duty now")).not_to_contain_text("Dr Leaving")


def test_a_radiologist_is_refused_the_people_pages(
    new_page: NewPage, session: Session, database_url: str
) -> None:
    reader = make_radiologist(session)
    task = make_task(session)
    session.commit()
    make_account(database_url, "dr-lee", Role.RADIOLOGIST, reader.id)
    page = new_page()
    sign_in(page, "dr-lee")
    for path in ("/admin/people", f"/admin/people/{reader.id}", "/admin/users",
                 f"/admin/tasks/{task.id}/eligibility"):  # fmt: skip
        answer = page.goto(path)
        assert answer is not None
        assert answer.status == 403, path
