"""Webhooks out of the outbox, against a real HTTP server on loopback: what is retried, what is
kept as refused, and that the signature is the one the README tells receivers to check."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.deliveries.answers import DeliveryFailed
from app.deliveries.models import OutboxMessage
from app.deliveries.service import deliver_pending, enqueue
from app.deliveries.webhook_client import WebhookConnection
from app.settings import Settings
from tests.support.network import free_port
from tests.support.webhook_receiver import WebhookReceiver, verified

SECRET = "webhook-test-secret"


class Answering:
    """A server that answers every POST with one status (and a Location for redirects)."""

    def __init__(self, status: int) -> None:
        self.port = free_port()
        self.posts = 0
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers["Content-Length"]))
                server.posts += 1
                self.send_response(status)
                self.send_header("Location", f"http://127.0.0.1:{server.port}/elsewhere")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def do_GET(self) -> None:
                server.posts += 100  # a redirect followed as a GET would land here
                self.send_response(200)
                self.end_headers()

            def log_message(self, *_: object) -> None:
                return None

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> "Answering":
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._server.shutdown()
        self._server.server_close()


def _send(port: int) -> None:
    with WebhookConnection(f"http://127.0.0.1:{port}/hook", SECRET, 5.0) as connection:
        answer = connection.send('{"status": "final"}')
    assert answer.accepted, answer


@pytest.mark.parametrize("status", [500, 503, 408, 429])
def test_a_busy_or_broken_receiver_is_tried_again(status: int) -> None:
    with Answering(status) as server, pytest.raises(DeliveryFailed, match=str(status)):
        _send(server.port)


@pytest.mark.parametrize("status", [400, 401, 404, 302, 307])
def test_a_refusal_is_kept_not_retried_and_no_redirect_is_followed(status: int) -> None:
    with Answering(status) as server:
        with WebhookConnection(f"http://127.0.0.1:{server.port}/h", SECRET, 5.0) as connection:
            answer = connection.send("{}")
        assert (answer.accepted, answer.code) == (False, str(status))
        assert server.posts == 1


def test_the_signature_verifies_with_the_secret_and_not_without() -> None:
    port = free_port()
    with WebhookReceiver(port, SECRET) as receiver:
        _send(port)
    assert receiver.received == [{"status": "final"}]
    with WebhookReceiver(port, "another secret") as stranger:
        with WebhookConnection(f"http://127.0.0.1:{port}/hook", SECRET, 5.0) as connection:
            assert connection.send("{}").code == "401"
    assert stranger.refused == 1
    assert not verified(SECRET, "1", b"{}", "sha256=00")  # a timestamp from 1970 is a replay


@pytest.fixture
def hooked(settings: Settings) -> tuple[Settings, int]:
    port = free_port()
    url = f"http://127.0.0.1:{port}/hook"
    return settings.model_copy(update={"webhook_url": url, "webhook_secret": SECRET}), port


def test_a_receiver_failing_then_answering_gets_the_messages_in_order(
    session: Session, hooked: tuple[Settings, int]
) -> None:
    settings, port = hooked
    assert settings.webhook_url is not None
    for number in range(3):
        enqueue(session, [settings.webhook_url], message_type="webhook",
                control_id=f"n{number}", payload=f'{{"n": {number}}}')  # fmt: skip
    assert deliver_pending(session, settings) == 0  # nobody listens yet
    session.execute(update(OutboxMessage).values(next_attempt_at=OutboxMessage.created_at))
    with WebhookReceiver(port, SECRET) as receiver:
        assert deliver_pending(session, settings) == 3
    assert receiver.received == [{"n": 0}, {"n": 1}, {"n": 2}]
    rows = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert [(row.state, row.ack_code, row.attempts) for row in rows] == [
        ("SENT", "204", 2),
        ("SENT", "204", 1),
        ("SENT", "204", 1),
    ]
