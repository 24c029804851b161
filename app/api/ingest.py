"""What the routes that receive instances over HTTP share: one filer per application, and a
request body fed to a spooler as it streams."""

from typing import Protocol

import anyio.to_thread
from fastapi import FastAPI, Request

from dicom_listener.handlers import IngestHandlers

# The source is recorded where a C-STORE's calling AE title goes, which holds 16 characters.
AE_TITLE_LENGTH = 16


class Spooler(Protocol):
    def write(self, chunk: bytes) -> None: ...


def ingest_of(app: FastAPI) -> IngestHandlers:
    """One filer per application, so instances of a series arriving together share its lock."""
    ingest: IngestHandlers | None = getattr(app.state, "ingest", None)
    if ingest is None:
        ingest = app.state.ingest = IngestHandlers.for_settings(
            app.state.settings, app.state.database_url
        )
    return ingest


async def spool_body(request: Request, spooler: Spooler) -> None:
    """Feed the body to `spooler` chunk by chunk, off the event loop (it writes to disk)."""
    async for chunk in request.stream():
        await anyio.to_thread.run_sync(spooler.write, chunk)


def source_name(name: str) -> str:
    return name[:AE_TITLE_LENGTH]
