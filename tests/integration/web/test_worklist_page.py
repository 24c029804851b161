"""The worklist page: tabs, default order, filters, search by POST, counts, next case."""

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit.models import AuditEvent
from app.vocabulary import Priority, Role, TaskState
from tests.support.factories import make_radiologist, make_study, make_task
from tests.support.web import make_account, sign_in

NOW = datetime.now(UTC)


def _reader(session: Session, database_url: str, client: TestClient) -> tuple[int, str]:
    radiologist = make_radiologist(session, subspecialties=("NEURO",))
    session.commit()
    make_account(database_url, "dr-lee", Role.RADIOLOGIST, radiologist.id)
    return radiologist.id, sign_in(client, "dr-lee")


def _order(html: str, names: list[str]) -> list[str]:
    return sorted((name for name in names if name in html), key=html.index)


def test_pools_tab_lists_waiting_cases_by_priority_then_due_time(
    client: TestClient, session: Session, database_url: str
) -> None:
    cases = [("ROUTINE^SOON", Priority.ROUTINE, 1), ("STAT^LATE", Priority.STAT, 5),
             ("STAT^SOON", Priority.STAT, 2), ("MSK^ELSEWHERE", Priority.STAT, 1)]  # fmt: skip
    for name, priority, hours in cases:
        pool = "MSK" if name.startswith("MSK") else "NEURO"
        make_task(session, make_study(session, patient_name=name), priority=priority.value,
                  subspecialty=pool, due_at=NOW + timedelta(hours=hours))  # fmt: skip
    session.commit()
    _reader(session, database_url, client)
    page = client.get("/?tab=pools")
    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store"
    names = ["STAT, SOON", "STAT, LATE", "ROUTINE, SOON", "MSK, ELSEWHERE"]
    assert _order(page.text, names) == ["STAT, SOON", "STAT, LATE", "ROUTINE, SOON"]
    assert '<span id="stat-count">2</span>' in page.text


def test_mine_shows_my_cases_and_overdue_says_so_in_words(
    client: TestClient, session: Session, database_url: str
) -> None:
    radiologist_id, _ = _reader(session, database_url, client)
    make_task(session, make_study(session, patient_name="MINE^LATE"), assignee_id=radiologist_id,
              state=TaskState.ASSIGNED.value,
              due_at=datetime.now(UTC) - timedelta(minutes=90))  # fmt: skip
    make_task(session, make_study(session, patient_name="POOL^ONLY"))
    session.commit()
    page = client.get("/?tab=mine").text
    assert "MINE, LATE" in page
    assert "POOL, ONLY" not in page
    assert "overdue by 1 h 30 min" in page or "overdue by 1 h 31 min" in page


def test_search_text_goes_by_post_and_is_not_written_to_the_audit(
    client: TestClient, session: Session, database_url: str
) -> None:
    make_task(session, make_study(session, patient_id="PID-4711", patient_name="FOUND^ME"))
    make_task(session, make_study(session, patient_id="PID-0815", patient_name="NOT^ME"))
    session.commit()
    _, csrf = _reader(session, database_url, client)
    page = client.post("/", data={"q": "4711", "tab": "pools", "csrf_token": csrf}).text
    assert "FOUND, ME" in page
    assert "NOT, ME" not in page
    details = session.scalars(select(AuditEvent.details).where(AuditEvent.action == "Query"))
    assert all("4711" not in str(detail) for detail in details)


def test_filters_and_sorting_narrow_and_reorder(
    client: TestClient, session: Session, database_url: str
) -> None:
    make_task(session, make_study(session, patient_name="AAA^CT", modalities=["CT"]))
    make_task(session, make_study(session, patient_name="ZZZ^MR", modalities=["MR"]))
    session.commit()
    _reader(session, database_url, client)
    assert "AAA, CT" not in client.get("/?tab=pools&modality=MR").text
    names = ["AAA, CT", "ZZZ, MR"]
    assert _order(client.get("/?tab=pools&sort=-patient").text, names) == ["ZZZ, MR", "AAA, CT"]
    assert client.get("/?tab=pools&sort=nonsense").status_code == 422


def test_next_case_claims_and_opens_it_or_says_nothing_is_left(
    client: TestClient, session: Session, database_url: str
) -> None:
    _, csrf = _reader(session, database_url, client)
    nothing = client.post("/next", data={"csrf_token": csrf})
    assert "Nothing left to read" in nothing.text
    task = make_task(session)
    session.commit()
    claimed = client.post("/next", data={"csrf_token": csrf}, follow_redirects=False)
    assert claimed.headers["location"] == f"/tasks/{task.id}"
    session.refresh(task)
    assert task.state == TaskState.IN_PROGRESS.value
