"""A minimal HTTP/1.1 keep-alive client: one connection per simulated workstation.

The load generator shares two cores with the server it measures; a general-purpose client costs
more CPU per request than the API itself, so the bench speaks just enough HTTP/1.1 to be cheap.
"""

import asyncio
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode


@dataclass(frozen=True, slots=True)
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


class Connection:
    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def request(
        self, method: str, path: str, headers: dict[str, str], body: Any = None
    ) -> Reply:
        """Send one request and read its whole reply; any failure drops the connection.

        A `Form` body goes as a form, like a browser's; anything else as JSON.
        """
        try:
            return await self._exchange(method, path, headers, body)
        except BaseException:
            await self.close()
            raise

    async def _exchange(self, method: str, path: str, headers: dict[str, str], body: Any) -> Reply:
        if self._reader is None or self._writer is None:
            self._reader, self._writer = await asyncio.open_connection(self.host, self.port)
        kind, payload = _encode(body)
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        if body is not None or method == "POST":
            lines += [f"Content-Type: {kind}", f"Content-Length: {len(payload)}"]
        self._writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + payload)
        status = int((await self._reader.readline()).split(b" ", 2)[1])
        reply_headers = await _read_headers(self._reader)
        length = int(reply_headers.get("content-length", "0"))
        content = await self._reader.readexactly(length) if length else b""
        return Reply(status, reply_headers, content)

    async def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
        self._reader = self._writer = None


class Form(dict[str, str]):
    """Fields sent as `application/x-www-form-urlencoded`."""


def _encode(body: Any) -> tuple[str, bytes]:
    if isinstance(body, Form):
        return "application/x-www-form-urlencoded", urlencode(body).encode()
    return "application/json", b"" if body is None else json.dumps(body).encode()


async def _read_headers(reader: asyncio.StreamReader) -> dict[str, str]:
    headers: dict[str, str] = {}
    while (line := await reader.readline()) not in (b"\r\n", b""):
        name, _, value = line.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()
    return headers
