"""Over-reads: requested or called for by a rule, scored on RADPEER, summed up per reader."""

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.studies.models import Study
from app.tasks.models import ReadingTask
from app.vocabulary import Role, TaskState
from tests.support.factories import make_task
from tests.support.readers import bearer, make_reader

Headers = dict[str, str]


def _post(client: TestClient, url: str, headers: Headers, **body: Any) -> Any:
    return client.post(f"/api/v1{url}", json=body, headers=headers)


def _uid(session: Session, task: ReadingTask) -> str:
    return session.get_one(Study, task.study_id).study_instance_uid


def _claim_and_finalize(client: TestClient, task_id: int, headers: Headers, **extra: Any) -> Any:
    _post(client, f"/tasks/{task_id}/claim", headers, version=1)
    return _post(client, f"/tasks/{task_id}/finalize", headers, version=2, impression="x", **extra)


def _request(
    client: TestClient,
    session: Session,
    primary: ReadingTask,
    headers: Headers,
    subspecialty: str = "NEURO",
) -> Any:
    url = f"/studies/{_uid(session, primary)}/second-opinions"
    return _post(client, url, headers, subspecialty=subspecialty)


def _final_read_and_two_readers(
    session: Session, make_token: Callable[..., str]
) -> tuple[ReadingTask, Headers, Headers]:
    """A committed final primary read, its reader's headers and another reader's."""
    primary_reader, primary_headers = make_reader(session, make_token)
    _, colleague = make_reader(session, make_token)
    primary = make_task(session, state=TaskState.FINAL.value, assignee_id=primary_reader)
    session.commit()
    return primary, primary_headers, colleague


def test_over_read_is_created_for_another_reader_and_scored_on_radpeer(
    client: TestClient, session: Session, make_token: Callable[..., str]
) -> None:
    primary, primary_headers, colleague = _final_read_and_two_readers(session, make_token)
    response = _request(client, session, primary, bearer(make_token(Role.INTEGRATION)))
    assert response.status_code == 201, response.text
    over_read = response.json()
    assert (over_read["kind"], over_read["primary_task_id"]) == ("SECOND_OPINION", primary.id)
    refused = _post(client, f"/tasks/{over_read['id']}/claim", primary_headers, version=1)
    assert refused.status_code == 403
    unscored = _claim_and_finalize(client, over_read["id"], colleague)
    assert unscored.status_code == 422
    assert "RADPEER" in unscored.json()["detail"]
    scored = _post(
        client, f"/tasks/{over_read['id']}/finalize", colleague,
        version=2, impression="agree mostly", radpeer="2b", radpeer_comment="missed a nodule",
    )  # fmt: skip
    assert (scored.status_code, scored.json()["radpeer"]) == (200, "2b")


def test_over_read_waits_for_a_final_primary(
    client: TestClient, session: Session, admin_headers: Headers
) -> None:
    primary = make_task(session)
    session.commit()
    assert _request(client, session, primary, admin_headers).status_code == 409


def test_one_over_read_per_pool_is_open_at_a_time(
    client: TestClient, session: Session, make_token: Callable[..., str]
) -> None:
    primary, _, over_reader = _final_read_and_two_readers(session, make_token)
    integration = bearer(make_token(Role.INTEGRATION))
    first = _request(client, session, primary, integration)
    assert first.status_code == 201
    again = _request(client, session, primary, integration)
    assert again.status_code == 409
    assert again.json()["detail"] == (
        f"a second opinion by NEURO is open already: task {first.json()['id']}"
    )
    assert _request(client, session, primary, integration, "MSK").status_code == 201
    scored = _claim_and_finalize(client, first.json()["id"], over_reader, radpeer="1")
    assert scored.status_code == 200
    assert _request(client, session, primary, integration).status_code == 201


def test_a_primary_read_takes_no_radpeer_score(
    client: TestClient, session: Session, make_token: Callable[..., str]
) -> None:
    _, headers = make_reader(session, make_token)
    task = make_task(session)
    session.commit()
    assert _claim_and_finalize(client, task.id, headers, radpeer="1").status_code == 422


def test_a_rule_asking_for_an_over_read_gets_one_when_the_primary_is_final(
    client: TestClient, session: Session, make_token: Callable[..., str], admin_headers: Headers
) -> None:
    _, headers = make_reader(session, make_token)
    primary = make_task(session, second_opinion_subspecialty="MSK")
    session.commit()
    assert _claim_and_finalize(client, primary.id, headers).status_code == 200
    detail = client.get(f"/api/v1/tasks/{primary.id}", headers=admin_headers).json()
    [linked] = detail["linked_tasks"]
    assert (linked["kind"], linked["subspecialty"], linked["state"]) == (
        "SECOND_OPINION", "MSK", "UNASSIGNED",
    )  # fmt: skip
    over_read = client.get(f"/api/v1/tasks/{linked['id']}", headers=admin_headers).json()
    assert over_read["linked_tasks"][0]["reports"][0]["kind"] == "FINAL"


def test_concordance_sums_scores_by_pool_and_primary_reader(
    client: TestClient, session: Session, make_token: Callable[..., str], admin_headers: Headers
) -> None:
    reader, _ = make_reader(session, make_token)
    _, over_reader = make_reader(session, make_token)
    integration = bearer(make_token(Role.INTEGRATION))
    for score in ("1", "1", "3b"):
        primary = make_task(session, state=TaskState.FINAL.value, assignee_id=reader)
        session.commit()
        over_read = _request(client, session, primary, integration).json()
        _claim_and_finalize(client, over_read["id"], over_reader, radpeer=score)
    report = client.get("/api/v1/metrics/concordance", headers=admin_headers).json()
    [pool] = report["by_subspecialty"]
    assert (pool["group"], pool["total"], pool["needs_review"]) == ("NEURO", 3, 1)
    assert pool["scores"] == {"1": 2, "2a": 0, "2b": 0, "3a": 0, "3b": 1}
    assert pool["agreement_rate"] == 0.6667
    assert report["by_reader"][0]["group"] == str(reader)
