"""Several requests writing the same thing at once: an addition is made once, the others told
it is there as one sent after would be; changes take turns. Never a 500, never a second copy."""

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from sqlalchemy import delete
from sqlalchemy.orm import Session

from app.api.main import create_app
from app.db.session import session_scope
from app.people.models import Subspecialty
from app.settings import Settings
from app.studies.models import Study
from app.vocabulary import Role, TaskState
from tests.support.factories import make_radiologist, make_study, make_task
from tests.support.live_api import serving

AT_ONCE = 6
ADDED_POOL = "PEDS_AT_ONCE"


@pytest.fixture
def base_url(settings: Settings, database_url: str) -> Iterator[str]:
    with serving(create_app(settings, database_url)) as url:
        yield url


@pytest.fixture(autouse=True)
def forget_added_pool(database_url: str) -> Iterator[None]:
    """Subspecialties survive between tests, so the one added here is removed after."""
    yield
    with session_scope(database_url) as session:
        session.execute(delete(Subspecialty).where(Subspecialty.code == ADDED_POOL))


def _sent_at_once(url: str, token: str, body: dict[str, Any]) -> list[tuple[int, str]]:
    def post(_: int) -> tuple[int, str]:
        with httpx.Client(timeout=30) as client:
            answer = client.post(url, json=body, headers={"Authorization": f"Bearer {token}"})
            return answer.status_code, answer.json().get("detail", "")

    with ThreadPoolExecutor(max_workers=AT_ONCE) as clients:
        return sorted(clients.map(post, range(AT_ONCE)))


@pytest.mark.parametrize(
    ("path", "role", "body", "taken"),
    [
        ("/api/v1/users", Role.ADMIN, {"name": "dr-lee", "role": "admin"}, "dr-lee"),
        (
            "/api/v1/subspecialties",
            Role.ADMIN,
            {"code": ADDED_POOL, "name": "Paediatrics"},
            f"subspecialty {ADDED_POOL} already exists",
        ),
        (
            "/api/v1/second-opinion-requests",
            Role.INTEGRATION,
            {
                "study_instance_uid": "1.2.826.0.1.3680043.10.9999.31",
                "requester": {
                    "organisation": "Clinique du Lac",
                    "contact_name": "Dr Anna Smith",
                    "contact_email": "a.smith@clinique-du-lac.example",
                },
                "clinical_question": "cervical myelopathy?",
                "service_level": "24h",
            },
            "open second-opinion request already",
        ),
    ],
    ids=["account", "subspecialty", "second-opinion request"],
)
def test_one_thing_added_by_several_requests_at_once_is_added_once(
    base_url: str,
    make_token: Callable[..., str],
    path: str,
    role: Role,
    body: dict[str, Any],
    taken: str,
) -> None:
    answers = _sent_at_once(base_url + path, make_token(role), body)
    assert [status for status, _ in answers] == [201] + [409] * (AT_ONCE - 1)
    assert all(taken in detail for _, detail in answers[1:])


def test_one_over_read_asked_by_several_requests_at_once_is_made_once(
    base_url: str, make_token: Callable[..., str], session: Session
) -> None:
    reader = make_radiologist(session)
    primary = make_task(session, state=TaskState.FINAL.value, assignee_id=reader.id)
    session.commit()
    study = session.get_one(Study, primary.study_id)
    url = f"{base_url}/api/v1/studies/{study.study_instance_uid}/second-opinions"
    answers = _sent_at_once(url, make_token(Role.ADMIN), {"subspecialty": "NEURO"})
    assert [status for status, _ in answers] == [201] + [409] * (AT_ONCE - 1)
    assert all("a second opinion by NEURO is open already" in d for _, d in answers[1:])


def test_one_link_of_two_patients_asked_by_several_admins_at_once_is_made_once(
    base_url: str, make_token: Callable[..., str], session: Session
) -> None:
    make_study(session, patient_id="004417")
    make_study(session, patient_id="SO-2291", patient_issuer="CLINIC-NORD")
    session.commit()
    link = {
        "patient": {"patient_id": "SO-2291", "issuer": "CLINIC-NORD"},
        "same_as": {"patient_id": "004417"},
        "reason": "same name and birth date; the clinic confirmed by phone",
    }
    answers = _sent_at_once(f"{base_url}/api/v1/patients/links", make_token(Role.ADMIN), link)
    assert [status for status, _ in answers] == [201] + [422] * (AT_ONCE - 1)
    assert all("are one patient already" in detail for _, detail in answers[1:])


def test_a_radiologists_pools_changed_by_several_admins_at_once_are_changed_in_turn(
    base_url: str, make_token: Callable[..., str], session: Session
) -> None:
    reader = make_radiologist(session)
    session.commit()
    change = {"subspecialties": ["NEURO", "MSK", "BODY"], "institutions": ["Clinique du Lac"]}
    url = f"{base_url}/api/v1/radiologists/{reader.id}"
    headers = {"Authorization": f"Bearer {make_token(Role.ADMIN)}"}

    def patch(_: int) -> int:
        with httpx.Client(timeout=30) as client:
            return client.patch(url, json=change, headers=headers).status_code

    with ThreadPoolExecutor(max_workers=AT_ONCE) as admins:
        assert list(admins.map(patch, range(AT_ONCE))) == [200] * AT_ONCE
    answer = httpx.get(url, headers=headers).json()
    assert (sorted(answer["subspecialties"]), answer["institutions"]) == (
        ["BODY", "MSK", "NEURO"],
        ["Clinique du Lac"],
    )
