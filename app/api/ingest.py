"""What the routes that receive instances over HTTP share: one filer per application, and the
steps of every such request: read the Content-Type, spool the body as it streams, file it on a
worker thread, and answer a broken request or unavailable storage with a problem."""

from collections.abc import AsyncIterator, Callable
from typing import Protocol, TypeVar

import anyio.to_thread
from fastapi import FastAPI, Request, Response

from app.api.problems import problem
from app.dicomweb.media import MalformedRequest, UnsupportedMediaType
from app.principal import Principal
from dicom_listener.handlers import IngestHandlers

# The body is handed to the worker thread in blocks of about this size: a hop per chunk as the
# server reads them (a few to 64 KiB) costs more than parsing them.
HANDOFF_BYTES = 1024 * 1024

# The source is recorded where a C-STORE's calling AE title goes, which holds 16 characters.
AE_TITLE_LENGTH = 16

Body = TypeVar("Body")
Outcome = TypeVar("Outcome", covariant=True)


class Receiver(Protocol[Outcome]):
    """A request body fed chunk by chunk, then filed; its temp files discarded at the end."""

    def write(self, chunk: bytes) -> None: ...

    def file(self, source: str, address: str) -> Outcome: ...

    def discard(self) -> None: ...


def ingest_of(app: FastAPI) -> IngestHandlers:
    """One filer per application, so instances of a series arriving together share its lock."""
    ingest: IngestHandlers | None = getattr(app.state, "ingest", None)
    if ingest is None:
        ingest = app.state.ingest = IngestHandlers.for_settings(
            app.state.settings, app.state.database_url, outside=True
        )
    return ingest


async def receive(
    request: Request,
    user: Principal,
    parse: Callable[[str | None], Body],
    receiver: Callable[[IngestHandlers, Body], Receiver[Outcome]],
) -> Outcome | Response:
    """`parse` the Content-Type (415 or 400 when it will not do), stream the body into the
    `receiver` made from it, and file it: a malformed body stores nothing (400), unavailable
    storage asks the sender to come back (503)."""
    try:
        body = parse(request.headers.get("content-type"))
    except UnsupportedMediaType as error:
        return problem(415, str(error))
    except MalformedRequest as error:
        return problem(400, str(error))
    receiving = receiver(ingest_of(request.app), body)
    address = request.client.host if request.client else ""
    try:
        async for block in _blocks(request):
            await anyio.to_thread.run_sync(receiving.write, block)
        source = user.name[:AE_TITLE_LENGTH]
        return await anyio.to_thread.run_sync(receiving.file, source, address)
    except MalformedRequest as error:
        return problem(400, str(error))
    except OSError:
        return problem(503, "storage is unavailable: nothing was stored, send again later")
    finally:
        await anyio.to_thread.run_sync(receiving.discard)


async def _blocks(request: Request) -> AsyncIterator[bytes]:
    """The body's chunks joined into blocks of about `HANDOFF_BYTES`."""
    waiting: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        waiting.append(chunk)
        size += len(chunk)
        if size >= HANDOFF_BYTES:
            yield b"".join(waiting)
            waiting, size = [], 0
    if waiting:
        yield b"".join(waiting)
