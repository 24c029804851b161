"""Reports out: ORU^R01 written to the outbox with the report, delivered in order until accepted."""

from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from prometheus_client import REGISTRY
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.deliveries.models import OutboxMessage
from app.deliveries.service import deliver_pending
from app.principal import Principal
from app.settings import Settings
from app.tasks.reports import ReportText
from app.tasks.state_machine import TransitionNotAllowed
from app.vocabulary import Role, TaskState
from app.workflow import reports
from tests.support.factories import make_radiologist, make_study, make_task
from tests.support.hl7_peers import ResultsReceiver
from tests.support.network import free_port

pytestmark = pytest.mark.hl7_peer


@pytest.fixture
def destination_port() -> int:
    return free_port()


@pytest.fixture
def sending(settings: Settings, destination_port: int) -> Settings:
    return settings.model_copy(update={"hl7_destinations": [f"127.0.0.1:{destination_port}"]})


def _reading_task(session: Session) -> tuple[int, Principal]:
    reader = make_radiologist(session, name="Reader^Rita")
    study = make_study(session, patient_name="Müller^Zoë", accession_number="ACC-R1")
    task = make_task(session, study, state=TaskState.IN_PROGRESS.value, assignee_id=reader.id)
    return task.id, Principal("rita", Role.RADIOLOGIST, radiologist_id=reader.id)


def _read_and_sign(session: Session, settings: Settings) -> int:
    """A preliminary, a final and an addendum on one task."""
    task_id, reader = _reading_task(session)
    first = ReportText(findings="small | subdural\nno shift", impression="subdural", critical=True)
    reports.preliminary(session, reader, settings, task_id, None, first)
    reports.finalize(session, reader, settings, task_id, None, ReportText(impression="subdural"))
    reports.addendum(session, reader, settings, task_id, None, ReportText(impression="also: x"))
    return task_id


def _outbox(session: Session) -> list[OutboxMessage]:
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    return list(session.scalars(query.execution_options(populate_existing=True)))


def test_each_report_is_queued_with_it(session: Session, sending: Settings) -> None:
    _read_and_sign(session, sending)
    queued = _outbox(session)
    assert [row.state for row in queued] == ["PENDING"] * 3
    assert [row.payload.split("\r")[3].split("|")[25] for row in queued] == ["P", "F", "C"]


def test_a_refused_report_queues_nothing(session: Session, sending: Settings) -> None:
    task_id, reader = _reading_task(session)
    reports.finalize(session, reader, sending, task_id, None, ReportText(impression="ok"))
    with pytest.raises(TransitionNotAllowed):
        reports.preliminary(session, reader, sending, task_id, None, ReportText(impression="x"))
    assert len(_outbox(session)) == 1


def test_receiver_gets_every_report_in_order(
    session: Session, sending: Settings, destination_port: int
) -> None:
    _read_and_sign(session, sending)
    with ResultsReceiver(destination_port) as receiver:
        assert deliver_pending(session, sending) == 3
    statuses = [message.obr.obr_25.value for message in receiver.received]
    assert statuses == ["P", "F", "C"]
    first = receiver.received[0]
    assert first.pid.pid_5.value == "Müller^Zoë"
    assert first.obr.obr_18.value == "ACC-R1"
    observations = [segment for segment in first.children if segment.name == "OBX"]
    assert [obx.obx_5.value for obx in observations] == [
        r"small \F\ subdural",
        "no shift",
        "subdural",
    ]
    assert observations[-1].obx_8.value == "AA"
    assert [row.state for row in _outbox(session)] == ["SENT"] * 3


def test_destination_down_then_up_receives_everything_in_order(
    session: Session, sending: Settings, destination_port: int
) -> None:
    _read_and_sign(session, sending)
    assert deliver_pending(session, sending) == 0
    assert deliver_pending(session, sending) == 0  # still waiting out the back-off
    head = _outbox(session)[0]
    assert head.attempts == 1
    assert head.last_error is not None
    assert head.next_attempt_at > datetime.now(UTC)
    depth = REGISTRY.get_sample_value(
        "worklist_outbox_depth", {"destination": f"127.0.0.1:{destination_port}"}
    )
    assert depth == 3
    session.execute(update(OutboxMessage).values(next_attempt_at=datetime.now(UTC)))
    with ResultsReceiver(destination_port) as receiver:
        assert deliver_pending(session, sending) == 3
    assert [message.obr.obr_25.value for message in receiver.received] == ["P", "F", "C"]
    depth = REGISTRY.get_sample_value(
        "worklist_outbox_depth", {"destination": f"127.0.0.1:{destination_port}"}
    )
    assert depth == 0


def test_rejected_report_is_kept_with_the_reason_and_shown(
    session: Session,
    sending: Settings,
    destination_port: int,
    client: TestClient,
    admin_headers: dict[str, str],
) -> None:
    _read_and_sign(session, sending)
    with ResultsReceiver(destination_port, answer="AE", reason="unknown patient"):
        assert deliver_pending(session, sending) == 3
    rows = _outbox(session)
    assert [(row.state, row.ack_code, row.last_error) for row in rows] == [
        ("REJECTED", "AE", "unknown patient")
    ] * 3
    session.commit()
    shown = client.get("/api/v1/deliveries?state=REJECTED", headers=admin_headers)
    assert shown.status_code == 200
    assert [item["last_error"] for item in shown.json()["items"]] == ["unknown patient"] * 3
