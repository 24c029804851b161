"""Rules' time windows and weekdays read the department's clock (WORKLIST_TIMEZONE), whatever
the time zone of the database server or of the process: routing and the dry run agree."""

from datetime import UTC, datetime

from fastapi.testclient import TestClient
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from app.api.main import create_app
from app.settings import Settings
from app.tasks.models import ReadingTask
from app.workflow.on_stable import on_study_stable
from tests.support.factories import make_series, make_study
from tests.support.rules import current_rules, save_first_rule, with_first_rule

SUNDAY_EVENING_TO_BODY = {
    "id": "sunday-evening-to-body",
    "when": {"all": [{"weekday": ["SUN"]}, {"time_between": {"start": "18:00", "end": "23:00"}}]},
    "then": {"subspecialty": "BODY"},
}
# Monday 00:30 in UTC, Sunday 19:30 in New York (UTC-5 in December).
SUNDAY_EVENING_IN_NEW_YORK = datetime(2026, 12, 7, 0, 30, tzinfo=UTC)


def _brain_study_received(session: Session, received: datetime) -> int:
    study = make_study(
        session,
        study_description="MRI BRAIN WO CONTRAST",
        body_part_examined="BRAIN",
        clinical_question="new onset seizure",
        first_received_at=received,
        last_received_at=received,
        stable_at=received,
    )
    make_series(session, study, series_description="AX T2")
    return study.id


def _pool(session: Session, study_id: int) -> str:
    query = select(ReadingTask.subspecialty).where(ReadingTask.study_id == study_id)
    return session.scalars(query).one()


def test_a_time_window_rule_routes_by_the_departments_clock(
    client: TestClient, admin_headers: dict[str, str], session: Session, settings: Settings
) -> None:
    save_first_rule(client, admin_headers, SUNDAY_EVENING_TO_BODY)
    in_new_york = settings.model_copy(update={"timezone": "America/New_York"})
    evening, same_moment = (
        _brain_study_received(session, SUNDAY_EVENING_IN_NEW_YORK) for _ in range(2)
    )
    # Nor does the database server's zone decide: its times are read back in New York's here.
    session.execute(text("SET LOCAL TIME ZONE 'America/New_York'"))
    session.expire_all()

    on_study_stable(session, evening, in_new_york)
    on_study_stable(session, same_moment, settings)

    assert _pool(session, evening) == "BODY"
    assert _pool(session, same_moment) == "NEURO"  # Monday 00:30 on a department's UTC clock


def test_the_dry_run_reads_the_same_clock(
    admin_headers: dict[str, str],
    session: Session,
    settings: Settings,
    database_url: str,
) -> None:
    _brain_study_received(session, SUNDAY_EVENING_IN_NEW_YORK)
    session.commit()
    in_new_york = settings.model_copy(update={"timezone": "America/New_York"})
    moved = {}
    for name, clock in (("UTC", settings), ("New York", in_new_york)):
        with TestClient(create_app(clock, database_url)) as client:
            proposal = with_first_rule(
                current_rules(client, admin_headers)["rules"], SUNDAY_EVENING_TO_BODY
            )
            answer = client.post(
                "/api/v1/rules/dry-run", json={"rules": proposal}, headers=admin_headers
            )
            assert answer.status_code == 200, answer.text
            moved[name] = answer.json()["changed"]
    assert moved == {"UTC": 0, "New York": 1}
