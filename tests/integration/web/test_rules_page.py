"""`/admin/rules`: the rules in words, versions and their diff, and a restore after its dry run."""

from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.settings import Settings
from app.studies.models import Study
from app.tasks.models import ReadingTask
from app.vocabulary import Role
from app.workflow.on_stable import on_study_stable
from tests.integration.routing.studies import make_stable_brain_study
from tests.support.factories import make_radiologist
from tests.support.rules import BRAIN_TO_BODY, save_first_rule
from tests.support.web import make_account, sign_in

Headers = dict[str, str]


def _brain_moved_to_body(
    session: Session, settings: Settings, client: TestClient, admin_headers: Headers
) -> str:
    """A routed brain study, then version 2 sending brains to BODY; the study's UID."""
    study_id = make_stable_brain_study(session, question="headache")
    on_study_stable(session, study_id, settings)
    session.commit()
    save_first_rule(client, admin_headers, BRAIN_TO_BODY, comment="brains to body for a week")
    return session.get_one(Study, study_id).study_instance_uid


def test_the_rules_page_reads_each_rule_as_a_sentence_with_the_fallback(
    client: TestClient, database_url: str
) -> None:
    make_account(database_url, "ms-admin", Role.ADMIN)
    sign_in(client, "ms-admin")
    text = client.get("/admin/rules").text
    assert "Brain or head and neck → NEURO" in text
    assert "Every other study → GENERAL" in text
    assert "(fallback)" in text
    assert "system:default-rules" in text


def test_two_versions_diff_as_sentences_and_json(
    client: TestClient, session: Session, settings: Settings, admin_headers: Headers,
    database_url: str,
) -> None:  # fmt: skip
    _brain_moved_to_body(session, settings, client, admin_headers)
    make_account(database_url, "ms-admin", Role.ADMIN)
    sign_in(client, "ms-admin")
    text = client.get("/admin/rules?older=1&newer=2").text
    assert "Added &#39;brain-to-body&#39;: Brain → BODY" in text
    assert "&#34;added&#34;: [" in text
    assert "brains to body for a week" in text


def test_restore_shows_its_dry_run_then_saves_and_moves_the_task_back(
    client: TestClient, session: Session, settings: Settings, admin_headers: Headers,
    database_url: str,
) -> None:  # fmt: skip
    uid = _brain_moved_to_body(session, settings, client, admin_headers)
    make_account(database_url, "ms-admin", Role.ADMIN)
    csrf = sign_in(client, "ms-admin")
    preview = client.get("/admin/rules/versions/1/restore")
    assert preview.status_code == 200
    assert uid in preview.text
    assert "1 of 1 studies would move" in preview.text
    assert 'name="base_version" value="2"' in preview.text
    saved = client.post(
        "/admin/rules/versions/1/restore", data={"csrf_token": csrf, "base_version": "2"}
    )
    assert saved.status_code == 201, saved.text
    assert "Version 3 saved" in saved.text
    assert "1 open task re-routed" in saved.text
    task = session.scalars(select(ReadingTask)).one()
    session.refresh(task)
    assert task.subspecialty == "NEURO"


def test_a_restore_based_on_an_old_version_is_refused_with_who_saved_and_the_diff(
    client: TestClient, session: Session, settings: Settings, admin_headers: Headers,
    database_url: str,
) -> None:  # fmt: skip
    _brain_moved_to_body(session, settings, client, admin_headers)
    make_account(database_url, "ms-admin", Role.ADMIN)
    csrf = sign_in(client, "ms-admin")
    refused = client.post(
        "/admin/rules/versions/1/restore", data={"csrf_token": csrf, "base_version": "1"}
    )
    assert refused.status_code == 409
    assert "Not saved: version 2 was saved by" in refused.text
    assert "Added &#39;brain-to-body&#39;" in refused.text
    assert len(client.get("/api/v1/rules/versions", headers=admin_headers).json()) == 2


def test_a_radiologist_is_refused_every_rules_page(
    client: TestClient, session: Session, database_url: str, make_token: Callable[..., str]
) -> None:
    radiologist = make_radiologist(session)
    session.commit()
    make_account(database_url, "dr-lee", Role.RADIOLOGIST, radiologist.id)
    csrf = sign_in(client, "dr-lee")
    assert client.get("/admin/rules").status_code == 403
    assert client.get("/admin/rules/versions/1/restore").status_code == 403
    answer = client.post(
        "/admin/rules/versions/1/restore", data={"csrf_token": csrf, "base_version": "1"}
    )
    assert answer.status_code == 403
