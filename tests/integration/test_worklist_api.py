"""The lists reading rooms poll: filters, sorting, pages, ETag/304, detail and read audit."""

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit.models import AuditEvent
from app.vocabulary import Priority, TaskState
from tests.support.factories import make_series, make_study, make_task
from tests.support.readers import make_reader

Headers = dict[str, str]
NOW = datetime.now(UTC)


def _ids(client: TestClient, headers: Headers, query: str = "") -> list[int]:
    response = client.get(f"/api/v1/tasks?{query}", headers=headers)
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]


def test_item_carries_what_a_list_shows(
    client: TestClient, session: Session, admin_headers: Headers
) -> None:
    study = make_study(session, patient_birth_date=date(1980, 6, 1), study_date=date(2026, 5, 1))
    for number, (plane, sequence) in enumerate(
        [("SAG", "T1"), ("AX", "LOCALIZER"), ("SAG", "T2"), ("unknown", "STIR"), ("AX", "T2")]
    ):
        make_series(session, study, series_number=number, plane=plane, sequence=sequence)
    make_task(session, study, due_at=NOW - timedelta(minutes=5))
    session.commit()
    [item] = client.get("/api/v1/tasks", headers=admin_headers).json()["items"]
    assert item["sequence_summary"] == "SAG T1, SAG T2, STIR, AX T2"
    assert item["series_count"] == 5
    assert item["patient_age"] == "045Y"
    assert item["overdue"] is True
    assert item["study_instance_uid"] == study.study_instance_uid
    assert item["question_summary"].startswith("neck pain")
    assert (item["patient_name"], item["patient_display_name"]) == ("DOE^JANE", "DOE, JANE")


def test_urgency_sort_puts_stat_first_then_due_at(
    client: TestClient, session: Session, admin_headers: Headers
) -> None:
    routine = make_task(session, priority=Priority.ROUTINE.value, due_at=NOW)
    stat = make_task(session, priority=Priority.STAT.value, due_at=NOW + timedelta(hours=1))
    urgent_late = make_task(session, priority="URGENT", due_at=NOW + timedelta(hours=3))
    urgent_soon = make_task(session, priority="URGENT", due_at=NOW + timedelta(hours=2))
    session.commit()
    expected = [stat.id, urgent_soon.id, urgent_late.id, routine.id]
    assert _ids(client, admin_headers) == expected
    assert _ids(client, admin_headers, "sort=-urgency") == expected[::-1]
    assert _ids(client, admin_headers, "sort=due_at") == [
        routine.id, stat.id, urgent_soon.id, urgent_late.id,
    ]  # fmt: skip


def test_cursor_pages_through_every_task_once(
    client: TestClient, session: Session, admin_headers: Headers
) -> None:
    tasks = [make_task(session, due_at=NOW + timedelta(minutes=i % 3)) for i in range(7)]
    session.commit()
    seen: list[int] = []
    cursor = None
    while True:
        query = "limit=3" + (f"&cursor={cursor}" if cursor else "")
        page = client.get(f"/api/v1/tasks?{query}", headers=admin_headers).json()
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert sorted(seen) == sorted(t.id for t in tasks)
    assert len(seen) == len(set(seen))


def test_filters_narrow_the_list(
    client: TestClient, session: Session, admin_headers: Headers
) -> None:
    ct = make_study(session, modalities=["CT"], region="CHEST", accession_number="ACC-LUNG-1")
    chest = make_task(session, ct, subspecialty="CHEST", priority="STAT")
    neuro = make_task(session, state=TaskState.FINAL.value)
    session.commit()
    assert _ids(client, admin_headers, "modality=CT") == [chest.id]
    assert _ids(client, admin_headers, "region=CHEST") == [chest.id]
    assert _ids(client, admin_headers, "q=lung-1") == [chest.id]
    assert _ids(client, admin_headers, "subspecialty=NEURO") == [neuro.id]
    assert _ids(client, admin_headers, "state=FINAL&state=CANCELLED") == [neuro.id]
    assert _ids(client, admin_headers, "priority=STAT&assignee=none") == [chest.id]


def test_assignee_me_lists_the_readers_own_tasks(
    client: TestClient, session: Session, make_token: Callable[..., str]
) -> None:
    reader_id, headers = make_reader(session, make_token, pools=("MSK",))
    mine = make_task(session, state="ASSIGNED", assignee_id=reader_id)
    pool = make_task(session, subspecialty="MSK")
    make_task(session, subspecialty="BODY")  # neither theirs nor in their pools: not shown
    session.commit()
    assert _ids(client, headers, "assignee=me") == [mine.id]
    assert sorted(_ids(client, headers)) == sorted([mine.id, pool.id])


def test_unchanged_list_answers_304_without_a_body(
    client: TestClient, session: Session, admin_headers: Headers
) -> None:
    task = make_task(session)
    session.commit()
    first = client.get("/api/v1/tasks", headers=admin_headers)
    etag = first.headers["etag"]
    again = client.get("/api/v1/tasks", headers=admin_headers | {"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    other_query = client.get("/api/v1/tasks?sort=id", headers=admin_headers)
    assert other_query.headers["etag"] != etag
    client.post(f"/api/v1/tasks/{task.id}/cancel", json={"version": 1}, headers=admin_headers)
    changed = client.get("/api/v1/tasks", headers=admin_headers | {"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["etag"] != etag


def test_a_task_leaving_the_filtered_set_changes_the_etag(
    client: TestClient, session: Session, admin_headers: Headers
) -> None:
    first, second = make_task(session), make_task(session)
    session.commit()
    url = "/api/v1/tasks?state=UNASSIGNED"
    etag = client.get(url, headers=admin_headers).headers["etag"]
    client.post(f"/api/v1/tasks/{first.id}/cancel", json={"version": 1}, headers=admin_headers)
    answer = client.get(url, headers=admin_headers | {"If-None-Match": etag})
    assert answer.status_code == 200
    assert [item["id"] for item in answer.json()["items"]] == [second.id]


def test_list_reads_are_audited_once_per_request_and_304s_not_at_all(
    client: TestClient, session: Session, admin_headers: Headers
) -> None:
    for _ in range(3):
        make_task(session)
    session.commit()
    etag = client.get("/api/v1/tasks", headers=admin_headers).headers["etag"]
    client.get("/api/v1/tasks", headers=admin_headers | {"If-None-Match": etag})
    reads = select(AuditEvent.action).where(AuditEvent.object_type != "api_token")
    assert session.scalars(reads).all() == ["Query"]


def test_task_detail_shows_study_series_routing_history_and_priors(
    client: TestClient, session: Session, admin_headers: Headers
) -> None:
    prior = make_study(session, patient_id="PID-77", study_date=date(2024, 1, 2))
    study = make_study(session, patient_id="PID-77", region="SPINE")
    make_series(session, study, sequence="T2", plane="SAG", classification_reasons=["TE 90"])
    task = make_task(session, study, route_reasons=["rule 2: spine MR → NEURO"])
    session.commit()
    client.post(f"/api/v1/tasks/{task.id}/cancel", json={"version": 1}, headers=admin_headers)
    detail = client.get(f"/api/v1/tasks/{task.id}", headers=admin_headers).json()
    assert detail["study"]["series"][0]["classification_reasons"] == ["TE 90"]
    assert detail["route_reasons"] == ["rule 2: spine MR → NEURO"]
    assert [e["action"] for e in detail["history"]] == ["cancel"]
    assert [p["study_instance_uid"] for p in detail["priors"]] == [prior.study_instance_uid]
    assert (detail["priors"][0]["task_id"], detail["priors"][0]["read_state"]) == (None, None)
    assert detail["allowed_actions"] == []
    audited = session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert audited[-1] == "PatientRecord"


def test_a_prior_names_its_read_and_its_state(
    client: TestClient, session: Session, admin_headers: Headers
) -> None:
    prior = make_study(session, patient_id="PID-78", study_date=date(2024, 1, 2))
    prior_read = make_task(session, prior, state="FINAL")
    task = make_task(session, make_study(session, patient_id="PID-78"))
    session.commit()
    detail = client.get(f"/api/v1/tasks/{task.id}", headers=admin_headers).json()
    [shown] = detail["priors"]
    assert (shown["task_id"], shown["read_state"]) == (prior_read.id, "FINAL")


def test_unknown_task_is_404_and_bad_cursor_is_422(
    client: TestClient, admin_headers: Headers
) -> None:
    assert client.get("/api/v1/tasks/999", headers=admin_headers).status_code == 404
    assert client.get("/api/v1/tasks?cursor=nope", headers=admin_headers).status_code == 422
    assert client.get("/api/v1/tasks?sort=name", headers=admin_headers).status_code == 422


def test_a_reader_sees_the_detail_of_their_pools_tasks_only(
    client: TestClient, session: Session, make_token: Callable[..., str]
) -> None:
    _, headers = make_reader(session, make_token, pools=("MSK",))
    pool_task = make_task(session, subspecialty="MSK")
    other = make_task(session, subspecialty="BODY")
    session.commit()
    assert client.get(f"/api/v1/tasks/{pool_task.id}", headers=headers).status_code == 200
    assert client.get(f"/api/v1/tasks/{other.id}", headers=headers).status_code == 403
