"""A results destination down for a real minute while reports are signed receives every report,
in order, once, when it is back: the worker's outbox job runs as it would, on its own clock."""

import time

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.deliveries.models import OutboxMessage
from app.deliveries.service import deliver_pending
from app.principal import Principal
from app.settings import Settings
from app.tasks.reports import ReportText
from app.vocabulary import Role, TaskState
from app.workflow import reports
from tests.support.factories import make_radiologist, make_study, make_task
from tests.support.hl7_peers import ResultsReceiver
from tests.support.network import free_port

pytestmark = [pytest.mark.hl7_peer, pytest.mark.slow]

OUTAGE_SECONDS = 60.0
# The back-off doubles from 1 s: the attempt after a minute's outage comes by 64 s; then margin.
BACK_AFTER_AT_MOST = 90.0
WORKER_TICK = 0.5


def _deliver_for(session: Session, settings: Settings, until: float) -> int:
    """The worker's outbox job, every tick until the monotonic time `until`; what was answered."""
    answered = 0
    while time.monotonic() < until:
        answered += deliver_pending(session, settings)
        time.sleep(WORKER_TICK)
    return answered


def _outbox(session: Session) -> list[OutboxMessage]:
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    return list(session.scalars(query.execution_options(populate_existing=True)))


def test_destination_down_for_a_minute_receives_everything_in_order_once(
    session: Session, settings: Settings
) -> None:
    port = free_port()
    sending = settings.model_copy(update={"hl7_destinations": [f"127.0.0.1:{port}"]})
    reader = make_radiologist(session, name="Reader^Rita")
    rita = Principal("rita", Role.RADIOLOGIST, radiologist_id=reader.id)
    first, second = (
        make_task(
            session,
            make_study(session, accession_number=accession),
            state=TaskState.IN_PROGRESS.value,
            assignee_id=reader.id,
        ).id
        for accession in ("ACC-O1", "ACC-O2")
    )
    down_since = time.monotonic()
    reports.preliminary(session, rita, sending, first, None, ReportText(impression="bleed?"))
    reports.finalize(session, rita, sending, first, None, ReportText(impression="bleed"))
    assert _deliver_for(session, sending, down_since + OUTAGE_SECONDS / 2) == 0
    reports.finalize(session, rita, sending, second, None, ReportText(impression="normal"))
    reports.addendum(session, rita, sending, first, None, ReportText(impression="also: x"))
    assert _deliver_for(session, sending, down_since + OUTAGE_SECONDS) == 0
    assert _outbox(session)[0].attempts >= 5

    with ResultsReceiver(port) as receiver:
        back_by = time.monotonic() + BACK_AFTER_AT_MOST
        while any(row.state == "PENDING" for row in _outbox(session)):
            assert time.monotonic() < back_by, "the outbox did not drain after the outage"
            deliver_pending(session, sending)
            time.sleep(WORKER_TICK)
        assert _deliver_for(session, sending, time.monotonic() + 2) == 0

    received = [(m.obr.obr_18.value, m.obr.obr_25.value) for m in receiver.received]
    assert received == [("ACC-O1", "P"), ("ACC-O1", "F"), ("ACC-O2", "F"), ("ACC-O1", "C")]
    control_ids = [message.msh.msh_10.value for message in receiver.received]
    assert len(set(control_ids)) == 4
    assert [row.state for row in _outbox(session)] == ["SENT"] * 4
