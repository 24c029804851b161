"""POSTing one JSON message to a webhook, signed so its receiver can tell it came from us.

The signature is HMAC-SHA256 with the shared secret over `<timestamp>.<raw body>`, sent as
`X-Worklist-Signature: sha256=<hex>` beside `X-Worklist-Timestamp: <unix seconds>`: a receiver
that refuses old timestamps cannot be fed a recorded message again.
"""

import hashlib
import hmac
import time
import urllib.error
import urllib.request

from app.deliveries.answers import Acknowledgment, DeliveryFailed

SIGNATURE_HEADER = "X-Worklist-Signature"
TIMESTAMP_HEADER = "X-Worklist-Timestamp"
# Worth trying again: the receiver is busy or broken now, not refusing this message for good.
RETRIED_STATUSES = frozenset({408, 425, 429})


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is answered as a refusal: following it would resend the body elsewhere, or
    drop it (a 302 turns a POST into a GET)."""

    def redirect_request(self, *_: object) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirects)


def signature(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return f"sha256={digest.hexdigest()}"


class WebhookConnection:
    def __init__(self, url: str, secret: str, timeout: float) -> None:
        self._url = url
        self._secret = secret
        self._timeout = timeout

    def __enter__(self) -> "WebhookConnection":
        return self

    def __exit__(self, *_: object) -> None:
        return None

    def send(self, payload: str) -> Acknowledgment:
        body = payload.encode("utf-8")
        timestamp = str(int(time.time()))
        request = urllib.request.Request(self._url, data=body, method="POST")
        request.add_header("Content-Type", "application/json")
        request.add_header(TIMESTAMP_HEADER, timestamp)
        request.add_header(SIGNATURE_HEADER, signature(self._secret, timestamp, body))
        try:
            with _OPENER.open(request, timeout=self._timeout) as answer:
                return Acknowledgment(code=str(answer.status), text="", accepted=True)
        except urllib.error.HTTPError as error:
            return _refused(error)
        except OSError as error:
            raise DeliveryFailed(f"{self._url}: {error}") from error


def _refused(error: urllib.error.HTTPError) -> Acknowledgment:
    """A 5xx, 408 or 429 is tried again later; any other refusal is kept with its reason."""
    if error.code >= 500 or error.code in RETRIED_STATUSES:
        raise DeliveryFailed(f"answered HTTP {error.code}") from error
    return Acknowledgment(code=str(error.code), text=f"HTTP {error.code} {error.reason}",
                          accepted=False)  # fmt: skip
