"""A webhook receiver on loopback that checks each POST's signature as a requester's would."""

import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

MAX_AGE = 300  # seconds: an older timestamp is a replay


def verified(secret: str, timestamp: str, body: bytes, signature: str) -> bool:
    """The check a receiver makes, written from the README, not from the sender's code."""
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    fresh = timestamp.isdigit() and abs(time.time() - int(timestamp)) <= MAX_AGE
    return fresh and hmac.compare_digest(f"sha256={expected.hexdigest()}", signature)


class WebhookReceiver:
    """Collects the verified JSON bodies; answers 401 to a bad signature."""

    def __init__(self, port: int, secret: str) -> None:
        self.received: list[dict[str, Any]] = []
        self.refused = 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                timestamp = self.headers.get("X-Worklist-Timestamp", "")
                signature = self.headers.get("X-Worklist-Signature", "")
                if verified(secret, timestamp, body, signature):
                    receiver.received.append(json.loads(body))
                    self.send_response(204)
                else:
                    receiver.refused += 1
                    self.send_response(401)
                self.end_headers()

            def log_message(self, *_: object) -> None:
                return None

        self._server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> "WebhookReceiver":
        self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
