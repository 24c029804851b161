"""`/admin/people`: radiologists created and edited through forms, the on-duty board, and a task
reassigned from its eligibility view."""

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.tasks.models import ReadingTask
from app.vocabulary import Priority, Role, TaskState
from tests.support.factories import make_radiologist, make_task
from tests.support.web import make_account, sign_in

Headers = dict[str, str]


def _admin(client: TestClient, database_url: str) -> str:
    make_account(database_url, "ms-admin", Role.ADMIN)
    return sign_in(client, "ms-admin")


def test_a_radiologist_created_in_the_form_has_pools_cap_and_shifts(
    client: TestClient, database_url: str, admin_headers: Headers
) -> None:
    csrf = _admin(client, database_url)
    answer = client.post(
        "/admin/people",
        data={"csrf_token": csrf, "name": "Dr Bone", "pools": ["MSK", "BODY"], "cap": "12",
              "institutions": "North, South", "shifts": "MON,TUE 08:00-17:00"},
    )  # fmt: skip
    assert answer.status_code == 200, answer.text
    (made,) = client.get("/api/v1/radiologists", headers=admin_headers).json()
    assert (made["name"], sorted(made["subspecialties"]), made["max_open_tasks"]) == (
        "Dr Bone", ["BODY", "MSK"], 12)  # fmt: skip
    assert made["shift_windows"] == [
        {"start": "08:00:00", "end": "17:00:00", "days": ["MON", "TUE"]}
    ]
    assert "MON,TUE 08:00-17:00" in answer.text


def test_a_bad_shift_line_is_named_and_nothing_is_created(
    client: TestClient, database_url: str, admin_headers: Headers
) -> None:
    csrf = _admin(client, database_url)
    answer = client.post("/admin/people", data={"csrf_token": csrf, "name": "X", "shifts": "soon"})
    assert answer.status_code == 422
    assert "shift line 1: expected" in answer.text
    assert client.get("/api/v1/radiologists", headers=admin_headers).json() == []


def test_the_board_shows_who_is_on_duty_with_urgent_counts_and_flags_bare_pools(
    client: TestClient, session: Session, database_url: str
) -> None:
    reader = make_radiologist(session, ("NEURO",), name="Dr Brain")
    make_task(session, assignee_id=reader.id, state=TaskState.ASSIGNED.value,
              priority=Priority.STAT.value)  # fmt: skip
    session.commit()
    _admin(client, database_url)
    page = client.get("/admin/people").text
    board = page.split('aria-label="On duty now"', 1)[1].split("</table>", 1)[0]
    assert "Dr Brain" in board
    assert "until switched off" in board
    assert "<td>1</td><td>0</td>" in board  # one STAT, no URGENT
    assert "Nobody on duty in: " in page
    assert "NEURO" not in page.split("Nobody on duty in: ", 1)[1].split("<", 1)[0]


def test_off_duty_then_the_waiting_task_reassigned_from_its_eligibility(
    client: TestClient, session: Session, database_url: str
) -> None:
    leaving = make_radiologist(session, ("NEURO",), name="Dr Leaving")
    staying = make_radiologist(session, ("NEURO",), name="Dr Staying")
    task = make_task(session, assignee_id=leaving.id, state=TaskState.ASSIGNED.value,
                     subspecialty="NEURO")  # fmt: skip
    session.commit()
    version = str(task.version)
    csrf = _admin(client, database_url)
    edited = client.post(
        f"/admin/people/{leaving.id}",
        data={"csrf_token": csrf, "name": "Dr Leaving", "pools": ["NEURO"], "cap": "20",
              "active": "on"},
    )  # fmt: skip
    assert "Dr Leaving saved." in edited.text
    assert f"/admin/tasks/{task.id}/eligibility" in edited.text
    view = client.get(f"/admin/tasks/{task.id}/eligibility").text
    assert "off duty" in view
    assert "The engine would choose: <strong>Dr Staying</strong>" in view
    moved = client.post(
        f"/admin/tasks/{task.id}/eligibility",
        data={"csrf_token": csrf, "version": version, "radiologist_id": str(staying.id)},
    )
    assert f"Task {task.id} assigned to Dr Staying." in moved.text
    session.expire_all()
    assert session.get_one(ReadingTask, task.id).assignee_id == staying.id
    stale = client.post(
        f"/admin/tasks/{task.id}/eligibility",
        data={"csrf_token": csrf, "version": version, "radiologist_id": str(staying.id)},
    )
    assert stale.status_code == 409
