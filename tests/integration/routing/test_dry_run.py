"""A dry run shows exactly what a save would do: every study it would move, page by page, the
counts per from -> to over the whole window, and which open tasks the save would move."""

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.settings import Settings
from app.studies.models import Study
from app.tasks.models import ReadingTask
from app.workflow.on_stable import on_study_stable
from tests.integration.routing.studies import make_stable_brain_study
from tests.support.factories import make_study
from tests.support.readers import make_reader
from tests.support.rules import BRAIN_TO_BODY, current_rules, save_first_rule, with_first_rule

Headers = dict[str, str]


def _pages(client: TestClient, headers: Headers, body: dict[str, Any]) -> list[dict[str, Any]]:
    pages = [client.post("/api/v1/rules/dry-run", json=body, headers=headers).json()]
    while pages[-1]["next_cursor"] is not None and len(pages) < 10:
        cursor = pages[-1]["next_cursor"]
        answer = client.post(
            "/api/v1/rules/dry-run", json=body | {"cursor": cursor}, headers=headers
        )
        assert answer.status_code == 200, answer.text
        pages.append(answer.json())
    return pages


def test_dry_run_lists_every_moved_study_in_pages_with_counts_and_the_tasks_a_save_moves(
    client: TestClient,
    admin_headers: Headers,
    session: Session,
    settings: Settings,
    make_token: Callable[..., str],
) -> None:
    _, reader = make_reader(session, make_token, pools=("NEURO",))
    brains = [make_stable_brain_study(session, question="headache") for _ in range(5)]
    knee = make_study(
        session,
        study_description="MRI KNEE WO CONTRAST",
        body_part_examined="KNEE",
        clinical_question="meniscal tear",
        stable_at=datetime.now(UTC),
    ).id
    for study_id in [*brains, knee]:
        on_study_stable(session, study_id, settings)
    session.commit()
    started = session.scalars(select(ReadingTask).where(ReadingTask.study_id == brains[0])).one()
    claim = client.post(f"/api/v1/tasks/{started.id}/claim", json={"version": 2}, headers=reader)
    assert claim.status_code == 200, claim.text
    proposal = with_first_rule(current_rules(client, admin_headers)["rules"], BRAIN_TO_BODY)

    pages = _pages(client, admin_headers, {"rules": proposal, "limit": 2})

    changes = [change for page in pages for change in page["changes"]]
    uids = {study.id: study.study_instance_uid for study in session.scalars(select(Study))}
    assert [len(page["changes"]) for page in pages] == [2, 2, 1]
    assert sorted(change["study_instance_uid"] for change in changes) == sorted(
        uids[study_id] for study_id in brains
    )
    assert {(c["from"]["subspecialty"], c["to"]["subspecialty"], c["rule"]) for c in changes} == {
        ("NEURO", "BODY", "brain-to-body")
    }
    moving = {c["study_instance_uid"]: c["task_moves"] for c in changes}
    assert moving == {uids[study_id]: study_id != brains[0] for study_id in brains}
    priority = started.priority
    first = pages[0]
    assert (first["studies"], first["changed"], first["changed_pool"]) == (6, 5, 5)
    assert first["moves"] == [
        {
            "from": {"subspecialty": "NEURO", "priority": priority},
            "to": {"subspecialty": "BODY", "priority": priority},
            "studies": 5,
            "tasks": 4,
        }
    ]
    assert all(page["moves"] == first["moves"] for page in pages)
    assert save_first_rule(client, admin_headers, BRAIN_TO_BODY)["rerouted"]["tasks"] == 4


def test_a_cursor_the_dry_run_did_not_hand_out_is_422(
    client: TestClient, admin_headers: Headers
) -> None:
    rules = current_rules(client, admin_headers)["rules"]

    for cursor in ("not-a-cursor", "WyIyMDI2LTAxLTAxVDAwOjAwOjAwIiwgMV0="):
        answer = client.post(
            "/api/v1/rules/dry-run", json={"rules": rules, "cursor": cursor}, headers=admin_headers
        )
        assert answer.status_code == 422, answer.text
        assert answer.json()["detail"].startswith("cursor")
