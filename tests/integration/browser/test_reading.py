"""Reading in a real browser: next case by keyboard, a report written and signed, two readers on
one case, a second reader's over-read, and the accessibility check on each page."""

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy.orm import Session

from app.studies.models import Study
from app.tasks.models import ReadingTask
from app.tasks.reports import ReportText
from app.tasks.service import write_report
from app.vocabulary import Priority, ReportKind, Role, TaskKind, TaskState
from tests.support.browser import NewPage, screenshot, serious_accessibility_violations, sign_in
from tests.support.factories import make_radiologist, make_series, make_study, make_task
from tests.support.web import make_account

pytestmark = pytest.mark.browser


def _reader(session: Session, database_url: str, name: str) -> int:
    radiologist = make_radiologist(session, subspecialties=("NEURO",), name=name)
    session.commit()
    make_account(database_url, name, Role.RADIOLOGIST, radiologist.id)
    return radiologist.id


def _case(session: Session, **fields: object) -> ReadingTask:
    study = make_study(session, patient_name="MOUSE^MINNIE")
    for number, (plane, sequence) in enumerate([("SAG", "T1"), ("SAG", "T2"), ("AX", "T2")], 1):
        make_series(session, study, series_number=number, plane=plane, sequence=sequence)
    task = make_task(session, study, route_reasons=["cervical spine with a cord question → NEURO"],
                     **fields)  # fmt: skip
    session.commit()
    return task


def _state(session: Session, task: ReadingTask) -> str:
    session.expire_all()
    return session.get_one(ReadingTask, task.id).state


def test_next_case_by_keyboard_then_a_preliminary_and_a_final_report(
    new_page: NewPage, session: Session, database_url: str
) -> None:
    _reader(session, database_url, "dr-lee")
    routine = _case(session)
    stat = _case(session, priority=Priority.STAT.value)
    page = new_page()
    sign_in(page, "dr-lee")
    page.get_by_role("link", name="My pools").click()
    expect(page.get_by_role("row")).to_have_count(3)
    page.wait_for_load_state()  # the rows show before the page's script listens for keys
    page.keyboard.press("j")
    expect(page.locator(f'tr[data-task-id="{stat.id}"]')).to_have_class("selected")
    expect(page.get_by_role("link", name="MOUSE, MINNIE").first).to_be_focused()
    screenshot(page, "worklist")
    assert serious_accessibility_violations(page) == []
    page.keyboard.press("n")
    expect(page).to_have_url(re.compile(f"/tasks/{stat.id}$"))
    assert _state(session, stat) == TaskState.IN_PROGRESS.value
    page.get_by_label("Findings").fill("Disc osteophyte complex C5-6 with mild canal narrowing.")
    page.get_by_role("button", name="Save preliminary").click()
    expect(page.locator("#task-state")).to_have_text("PRELIMINARY")
    expect(page.get_by_label("Findings")).to_have_value(re.compile("C5-6"))
    page.get_by_role("button", name="Finalize").click()
    expect(page.get_by_role("alert")).to_contain_text("needs an impression")
    page.get_by_label("Impression").fill("No cord compression.")
    screenshot(page, "case")
    assert serious_accessibility_violations(page) == []
    page.get_by_role("button", name="Finalize").click()
    expect(page.locator("#task-state")).to_have_text("FINAL")
    assert _state(session, stat) == TaskState.FINAL.value
    assert _state(session, routine) == TaskState.UNASSIGNED.value


def test_the_second_of_two_readers_sees_who_moved_first_and_keeps_the_text(
    new_page: NewPage, session: Session, database_url: str
) -> None:
    _reader(session, database_url, "dr-lee")
    _reader(session, database_url, "dr-kim")
    task = _case(session)
    first, second = new_page(), new_page()
    sign_in(first, "dr-lee")
    sign_in(second, "dr-kim")
    for page in (first, second):
        page.goto(f"/tasks/{task.id}")
    second.get_by_label("Findings").fill("Typed by the second reader before claiming.")
    first.get_by_role("button", name="Claim").click()
    expect(first.locator("#task-state")).to_have_text("IN_PROGRESS")
    second.get_by_role("button", name="Claim").click()
    expect(second.locator("#conflict")).to_contain_text("dr-lee moved first: claim → IN_PROGRESS")
    expect(second.get_by_label("Findings")).to_have_value(
        "Typed by the second reader before claiming."
    )
    screenshot(second, "conflict")
    assert serious_accessibility_violations(second) == []


def test_a_second_reader_over_reads_with_a_radpeer_score(
    new_page: NewPage, session: Session, database_url: str
) -> None:
    first_reader = make_radiologist(session, subspecialties=("NEURO",), name="dr-first")
    session.commit()
    _reader(session, database_url, "dr-second")
    primary = _case(session, state=TaskState.FINAL.value, assignee_id=first_reader.id)
    text = ReportText(findings="Normal cervical spine.", impression="Normal study.")
    write_report(session, primary, ReportKind.FINAL, text)
    study = session.get_one(Study, primary.study_id)
    over_read = make_task(session, study, kind=TaskKind.SECOND_OPINION.value,
                          primary_task_id=primary.id)  # fmt: skip
    session.commit()
    page = new_page()
    sign_in(page, "dr-second")
    page.goto(f"/tasks/{over_read.id}")
    page.get_by_role("button", name="Claim").click()
    expect(page.locator(".primary-report").first).to_contain_text("Normal cervical spine.")
    page.get_by_label("Findings").fill("Small central disc protrusion C5-6, not mentioned.")
    page.get_by_label("Impression").fill("Minor discrepancy.")
    page.get_by_label(re.compile("^2a:")).check()
    page.get_by_label("Comment on the primary read").fill("C5-6 protrusion missed; no impact.")
    screenshot(page, "over-read")
    assert serious_accessibility_violations(page) == []
    page.get_by_role("button", name="Finalize").click()
    expect(page.locator("#task-state")).to_have_text("FINAL")
    session.expire_all()
    scored = session.get_one(ReadingTask, over_read.id)
    assert (scored.radpeer, scored.radpeer_comment) == ("2a", "C5-6 protrusion missed; no impact.")


def test_keys_list_search_and_release(
    new_page: NewPage, session: Session, database_url: str
) -> None:
    _reader(session, database_url, "dr-lee")
    task = _case(session)
    page = new_page()
    sign_in(page, "dr-lee")
    page.goto("/?tab=pools")
    page.keyboard.press("/")
    search = page.get_by_label("Search (patient id, accession, description)")
    expect(search).to_be_focused()
    search.blur()
    page.keyboard.press("?")
    expect(page.get_by_role("dialog", name="Keyboard")).to_be_visible()
    screenshot(page, "keys")
    page.keyboard.press("Escape")
    page.keyboard.press("j")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(f"/tasks/{task.id}$"))
    page.get_by_role("button", name="Claim").click()
    expect(page.locator("#task-state")).to_have_text("IN_PROGRESS")
    page.keyboard.press("r")
    expect(page).to_have_url(re.compile(r"/$"))
    assert _state(session, task) == TaskState.UNASSIGNED.value


def test_a_case_claimed_by_another_reader_shows_its_lock_at_once(
    new_page: NewPage, session: Session, database_url: str
) -> None:
    _reader(session, database_url, "dr-lee")
    _reader(session, database_url, "dr-kim")
    task = _case(session)
    watching, claiming = new_page(), new_page()
    sign_in(watching, "dr-kim")
    sign_in(claiming, "dr-lee")
    watching.goto("/?tab=pools")
    expect(watching.locator("#stream-state")).to_have_text("Live updates on")
    claiming.goto(f"/tasks/{task.id}")
    claiming.get_by_role("button", name="Claim").click()
    row = watching.locator(f'tr[data-task-id="{task.id}"]')
    expect(row).to_contain_text("claimed by another reader")
    expect(row).to_contain_text("IN_PROGRESS")
