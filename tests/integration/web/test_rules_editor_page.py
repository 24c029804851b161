"""`/admin/rules/edit`: a rule built in the form, its dry run, a save with a comment; errors at
their field; a save of anything but what the dry run showed, or without a comment, refused."""

import json
from datetime import UTC, datetime
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.settings import Settings
from app.tasks.models import ReadingTask
from app.vocabulary import Role
from app.workflow.on_stable import on_study_stable
from tests.support.factories import make_study
from tests.support.rules import current_rules
from tests.support.web import form_token_of, make_account, sign_in

Headers = dict[str, str]
NECK_FACETS = {
    "rule.id": "msk-cspine-facet", "rule.name": "Neck facets", "rule.enabled": "on",
    "when.region": "CSPINE", "when.categories_any": "FACET_ARTHROPATHY",
    "then.subspecialty": "MSK", "position": "1", "action": "form",
}  # fmt: skip


def spine_questions_to_neuro(client: TestClient, admin_headers: Headers) -> None:
    """Switch off the shipped rule that already sends spine facet questions to MSK."""
    current = current_rules(client, admin_headers)
    rules = current["rules"]
    for rule in rules:
        if rule["id"] == "msk-spine-bone-joint-question":
            rule["enabled"] = False
    body = {"rules": rules, "comment": "spine to neuro", "base_version": current["version"]}
    assert client.put("/api/v1/rules", json=body, headers=admin_headers).status_code == 201


def routed_neck_study(session: Session, settings: Settings) -> str:
    study = make_study(
        session, study_description="MRI CERVICAL SPINE WO CONTRAST", body_part_examined="CSPINE",
        clinical_question="neck pain, facet arthropathy?", stable_at=datetime.now(UTC),
    )  # fmt: skip
    on_study_stable(session, study.id, settings)
    session.commit()
    return study.study_instance_uid


def _editor_form(client: TestClient) -> dict[str, Any]:
    page = client.get("/admin/rules/edit").text
    rules_json = page.split('name="rules_json"', 1)[1].split(">", 1)[1].split("</textarea>")[0]
    base = page.split('name="base_version" value="', 1)[1].split('"', 1)[0]
    return {"csrf_token": form_token_of(page), "base_version": base,
            "rules_json": _unescaped(rules_json)}  # fmt: skip


def _unescaped(html: str) -> str:
    return html.replace("&#34;", '"').replace("&#39;", "'").replace("&lt;", "<").replace(
        "&gt;", ">").replace("&amp;", "&")  # fmt: skip


def _posted(client: TestClient, data: dict[str, Any]) -> Any:
    return client.post("/admin/rules/edit", data=data)


def test_a_rule_built_in_the_form_is_dry_run_then_saved_and_moves_the_task(
    client: TestClient, session: Session, settings: Settings, admin_headers: Headers,
    database_url: str,
) -> None:  # fmt: skip
    spine_questions_to_neuro(client, admin_headers)
    uid = routed_neck_study(session, settings)
    assert session.scalars(select(ReadingTask)).one().subspecialty == "NEURO"
    make_account(database_url, "ms-admin", Role.ADMIN)
    sign_in(client, "ms-admin")
    tried = _posted(client, _editor_form(client) | NECK_FACETS)
    assert tried.status_code == 200, tried.text
    assert uid in tried.text
    assert "1 of 1 studies would move" in tried.text
    digest = tried.text.split('name="tried" value="', 1)[1].split('"', 1)[0]
    proposal = _unescaped(tried.text.split('name="rules_json"', 1)[1].split(">", 1)[1]
                          .split("</textarea>")[0])  # fmt: skip
    assert json.loads(proposal)["rules"][0]["id"] == "msk-cspine-facet"
    save = {"csrf_token": form_token_of(tried.text), "base_version": "2", "rules_json": proposal,
            "tried": digest, "action": "save"}  # fmt: skip
    without_comment = _posted(client, save)
    assert without_comment.status_code == 422
    assert "Say why in a comment" in without_comment.text
    saved = _posted(client, save | {"comment": "neck facets to MSK"})
    assert saved.status_code == 201, saved.text
    assert "Version 3 saved" in saved.text
    assert "1 open task re-routed" in saved.text
    task = session.scalars(select(ReadingTask)).one()
    session.refresh(task)
    assert task.subspecialty == "MSK"
    assert current_rules(client, admin_headers)["comment"] == "neck facets to MSK"


def test_a_save_of_json_changed_after_its_dry_run_only_shows_the_new_dry_run(
    client: TestClient, database_url: str, admin_headers: Headers
) -> None:
    make_account(database_url, "ms-admin", Role.ADMIN)
    sign_in(client, "ms-admin")
    form = _editor_form(client)
    answer = _posted(client, form | {"action": "save", "comment": "x", "tried": "0" * 64})
    assert answer.status_code == 422
    assert "would move" in answer.text
    assert len(client.get("/api/v1/rules/versions", headers=admin_headers).json()) == 1


def test_an_invalid_value_is_shown_at_its_field_with_its_exact_place(
    client: TestClient, database_url: str, admin_headers: Headers
) -> None:
    make_account(database_url, "ms-admin", Role.ADMIN)
    sign_in(client, "ms-admin")
    bad = NECK_FACETS | {"when.modality": "mri"}
    answer = _posted(client, _editor_form(client) | bad)
    assert answer.status_code == 422
    assert "rules.0.when.all.2.modality.0" in answer.text
    assert 'id="error-modality"' in answer.text
    assert len(client.get("/api/v1/rules/versions", headers=admin_headers).json()) == 1


def test_an_existing_rule_opens_in_the_form_with_its_exclusions(
    client: TestClient, database_url: str
) -> None:
    make_account(database_url, "ms-admin", Role.ADMIN)
    sign_in(client, "ms-admin")
    page = client.get("/admin/rules/edit?rule=msk-spine-bone-joint-question").text
    assert 'value="msk-spine-bone-joint-question"' in page
    assert 'name="when.categories_any.not" value="MYELOPATHY" checked' in page
    assert 'name="when.region" value="CSPINE" checked' in page


def test_the_editor_names_the_zone_time_windows_are_read_in(
    client: TestClient, database_url: str
) -> None:
    make_account(database_url, "ms-admin", Role.ADMIN)
    sign_in(client, "ms-admin")
    client.app.state.settings = client.app.state.settings.model_copy(  # type: ignore[attr-defined]
        update={"timezone": "America/New_York"}
    )
    assert "department's time zone, America/New_York" in client.get("/admin/rules/edit").text


def _json_view(html: str) -> dict[str, Any]:
    text = html.split('name="rules_json"', 1)[1].split(">", 1)[1].split("</textarea>")[0]
    document: dict[str, Any] = json.loads(_unescaped(text))
    return document


def test_a_rule_moves_a_place_without_a_script_and_the_fallback_stays_last(
    client: TestClient, database_url: str
) -> None:
    make_account(database_url, "ms-admin", Role.ADMIN)
    sign_in(client, "ms-admin")
    form = _editor_form(client)
    ids = [rule["id"] for rule in json.loads(form["rules_json"])["rules"]]
    moved = _posted(client, form | {"action": "move-up:1"})
    assert moved.status_code == 200
    assert [rule["id"] for rule in _json_view(moved.text)["rules"]] == [ids[1], ids[0], *ids[2:]]
    last = _posted(client, form | {"action": f"move-down:{len(ids) - 2}"})
    assert [rule["id"] for rule in _json_view(last.text)["rules"]] == ids


def test_the_dry_run_pages_through_every_study_that_would_move(
    client: TestClient, session: Session, database_url: str
) -> None:
    uids = {make_study(session, stable_at=datetime.now(UTC)).study_instance_uid for _ in range(130)}
    session.commit()
    make_account(database_url, "ms-admin", Role.ADMIN)
    sign_in(client, "ms-admin")
    everything_to_breast = {"rules": [{"id": "default", "then": {"subspecialty": "BREAST"}}]}
    form = _editor_form(client) | {"rules_json": json.dumps(everything_to_breast)}
    first = _posted(client, form | {"action": "json"})
    assert "Studies 1 to 100 of the 130 that would move" in first.text
    next_page = first.text.split('name="action" value="page:', 1)[1].split('"', 1)[0]
    second = _posted(client, form | {"action": f"page:{next_page}"})
    assert second.status_code == 200, second.text
    assert "Studies 101 to 130 of the 130 that would move" in second.text
    assert 'value="page:' not in second.text
    on_first, on_second = ({uid for uid in uids if f"<code>{uid}</code>" in page.text}
                           for page in (first, second))  # fmt: skip
    assert on_first | on_second == uids
    assert (len(on_first), len(on_second)) == (100, 30)
