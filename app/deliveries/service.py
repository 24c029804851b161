"""Queueing messages with the change that causes them, and sending them in order until accepted.

Two transports share the outbox: HL7 over MLLP to `host:port` destinations, and signed JSON
webhooks to `http(s)://` ones. A destination's messages go out oldest first. One that cannot be
delivered (no connection, no answer, a webhook's 5xx) holds back the ones after it and is tried
again with a growing back-off; one refused for good (HL7 AE or AR, a webhook's 4xx) is kept with
the reason, marked rejected, and the queue moves on.
"""

import logging
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from prometheus_client import Gauge
from sqlalchemy.orm import Session

from app.deliveries import repository
from app.deliveries.answers import Acknowledgment, Connection, DeliveryFailed
from app.deliveries.mllp_client import MllpConnection
from app.deliveries.models import DeliveryState, OutboxMessage
from app.deliveries.webhook_client import WebhookConnection
from app.settings import Settings

logger = logging.getLogger(__name__)

BATCH_PER_DESTINATION = 200
CONNECT_TIMEOUT = 10.0
FIRST_RETRY = 1.0
LONGEST_RETRY = 300.0

OUTBOX_DEPTH = Gauge("worklist_outbox_depth", "Messages waiting to be delivered", ["destination"])
OUTBOX_OLDEST_AGE = Gauge(
    "worklist_outbox_oldest_age_seconds",
    "How long the oldest waiting message has waited",
    ["destination"],
)


def enqueue(
    session: Session,
    destinations: Sequence[str],
    *,
    message_type: str,
    control_id: str,
    payload: str,
    task_id: int | None = None,
    report_id: int | None = None,
) -> None:
    """One outbox row per destination, in the caller's transaction."""
    rows = [
        OutboxMessage(
            destination=destination,
            message_type=message_type,
            control_id=control_id,
            payload=payload,
            task_id=task_id,
            report_id=report_id,
        )
        for destination in destinations
    ]
    repository.add_all(session, rows)


def deliver_pending(session: Session, settings: Settings) -> int:
    """A worker job: send what waits, destination by destination; how many were answered."""
    answered = 0
    for destination in repository.destinations_with_pending(session):
        answered += _deliver_to(session, settings, destination, datetime.now(UTC))
    session.flush()
    _observe_backlog(session, settings)
    return answered


def _deliver_to(session: Session, settings: Settings, destination: str, now: datetime) -> int:
    queue = repository.pending_of(session, destination, BATCH_PER_DESTINATION)
    if not queue or queue[0].next_attempt_at > now:
        return 0
    answered = 0
    try:
        with _connect(settings, destination) as connection:
            for message in queue:
                _record_answer(message, connection.send(message.payload), now)
                answered += 1
    except DeliveryFailed as error:
        _retry_later(queue[answered], str(error), now)
    return answered


def _connect(settings: Settings, destination: str) -> Connection:
    if destination.startswith(("http://", "https://")):
        return WebhookConnection(destination, settings.webhook_secret or "", CONNECT_TIMEOUT)
    return MllpConnection(destination, CONNECT_TIMEOUT)


def _record_answer(message: OutboxMessage, ack: Acknowledgment, now: datetime) -> None:
    message.attempts += 1
    message.ack_code = ack.code
    message.sent_at = now
    if ack.accepted:
        message.state = DeliveryState.SENT.value
        message.last_error = None
        return
    message.state = DeliveryState.REJECTED.value
    message.last_error = ack.text or f"answered {ack.code}"
    logger.warning(
        "message refused by its destination",
        extra={"destination": message.destination, "ack": ack.code, "outbox_id": message.id},
    )


def _retry_later(message: OutboxMessage, reason: str, now: datetime) -> None:
    message.attempts += 1
    message.last_error = reason
    message.next_attempt_at = now + retry_delay(message.attempts)
    logger.info(
        "destination unreachable; will retry",
        extra={"destination": message.destination, "attempts": message.attempts},
    )


def retry_delay(attempts: int) -> timedelta:
    """1 s, 2 s, 4 s ... up to 5 minutes."""
    return timedelta(seconds=min(LONGEST_RETRY, FIRST_RETRY * 2 ** max(0, attempts - 1)))


def _observe_backlog(session: Session, settings: Settings) -> None:
    now = datetime.now(UTC)
    configured = [*settings.hl7_destinations, *filter(None, [settings.webhook_url])]
    waiting = {destination: (0, now) for destination in configured}
    waiting |= {
        destination: (count, oldest) for destination, count, oldest in repository.backlog(session)
    }
    for destination, (count, oldest) in waiting.items():
        OUTBOX_DEPTH.labels(destination).set(count)
        OUTBOX_OLDEST_AGE.labels(destination).set(max(0.0, (now - oldest).total_seconds()))
