"""Headers every response carries: our own origin only, no framing, no referrer, no caching.

Pages run no inline script: a policy of `'self'` alone is what keeps injected markup inert.
Swagger UI and ReDoc style themselves with inline styles and ReDoc runs a worker from a blob, so
their two pages (no patient data) get those allowances and nothing more.
"""

from starlette.types import ASGIApp, Message, Receive, Scope, Send

PAGE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; form-action 'self'; base-uri 'none'; "
    "object-src 'none'; frame-ancestors 'none'"
)
API_DOCS_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; font-src 'self' data:; worker-src 'self' blob:; "
    "form-action 'self'; base-uri 'none'; object-src 'none'; frame-ancestors 'none'"
)
API_DOCS_PATHS = frozenset({"/docs", "/redoc"})
STATIC_MOUNT = "/static"
STATIC_PREFIX = STATIC_MOUNT + "/"


def security_headers(path: str) -> list[tuple[bytes, bytes]]:
    policy = API_DOCS_POLICY if path in API_DOCS_PATHS else PAGE_POLICY
    headers = [
        (b"content-security-policy", policy.encode()),
        (b"referrer-policy", b"no-referrer"),
        (b"x-content-type-options", b"nosniff"),
        (b"x-frame-options", b"DENY"),
    ]
    return headers


class SecurityHeaders:
    """ASGI middleware: the headers above on every response; `no-store` unless it is an asset.

    Anything but a file of the static folder may carry patient data, so nothing else may be kept
    by a browser or a proxy, unless the route said otherwise (the worklist's `ETag` replies).
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = message.setdefault("headers", [])
                headers.extend(security_headers(path))
                named = {name.lower() for name, _ in headers}
                if not path.startswith(STATIC_PREFIX) and b"cache-control" not in named:
                    headers.append((b"cache-control", b"no-store"))
            await send(message)

        await self.app(scope, receive, send_with_headers)
