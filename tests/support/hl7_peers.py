"""Independent HL7 peers and our MLLP listener on a loopback port, for tests over real sockets.

Debian's `mllp_send` (package python3-hl7) is skipped where absent, except in CI, where its
absence fails.
"""

import asyncio
import os
import shutil
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import hl7
import pytest
from hl7.mllp import open_hl7_connection
from hl7apy.core import Message as HapyMessage
from hl7apy.mllp import AbstractHandler, MLLPServer
from hl7apy.parser import parse_message as parse_hl7apy

from app.settings import Settings
from hl7_listener.server import MllpListener
from tests.support.event_loops import run_apart
from tests.support.network import free_port

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "hl7"
DEBIAN_MLLP_SEND = "/usr/bin/mllp_send"


def mllp_send_tool() -> str:
    path = DEBIAN_MLLP_SEND if os.access(DEBIAN_MLLP_SEND, os.X_OK) else None
    path = path or shutil.which("mllp_send")
    if path:
        return path
    message = "Debian's mllp_send is not installed (apt-get install python3-hl7)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def send_file_with_mllp_send(sample: Path, port: int) -> list[str]:
    """Send every message of a sample file with `mllp_send --loose`; the ACKs it printed."""
    result = subprocess.run(
        [mllp_send_tool(), "--loose", "--file", str(sample), "--port", str(port), "127.0.0.1"],
        capture_output=True,
        timeout=60,
        check=True,
    )
    # It prints each answer as received, framing included.
    frames = result.stdout.decode("utf-8").split("\x0b")
    return [text.strip("\x1c\r\n") for text in frames if text.strip("\x1c\r\n")]


def sample_bytes(name: str) -> bytes:
    """A sample message as sent on the wire: segments ended by carriage returns."""
    return (SAMPLES / name).read_bytes().replace(b"\n", b"\r")


def send_with_hl7_client(
    port: int, messages: list[bytes], timeout: float = 30
) -> list[hl7.Message]:
    """Send each message with python-hl7's asyncio MLLP client, each ACK awaited; the ACKs."""

    async def exchange() -> list[hl7.Message]:
        reader, writer = await open_hl7_connection("127.0.0.1", port, encoding="utf-8")
        acks = []
        try:
            for message in messages:
                writer.writeblock(message)
                await writer.drain()
                acks.append(await asyncio.wait_for(reader.readmessage(), timeout))
        finally:
            writer.close()
        return acks

    return run_apart(exchange())


@contextmanager
def running_hl7_listener(settings: Settings, database_url: str) -> Iterator[int]:
    """Our MLLP listener on a free loopback port, in a thread of its own; yields the port."""
    settings = settings.model_copy(update={"hl7_port": free_port(), "hl7_host": "127.0.0.1"})
    loop = asyncio.new_event_loop()
    started = threading.Event()
    listener = MllpListener(settings, database_url)
    servers: list[asyncio.Server] = []

    async def start() -> None:
        servers.append(await listener.start())
        started.set()

    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    asyncio.run_coroutine_threadsafe(start(), loop).result(10)
    try:
        yield settings.hl7_port
    finally:
        asyncio.run_coroutine_threadsafe(_stop(listener, servers[0]), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()


async def _stop(listener: MllpListener, server: asyncio.Server) -> None:
    """Close the listening socket, end the connections still open, close the database's."""
    server.close()
    others = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
    for task in others:
        task.cancel()
    await asyncio.gather(*others, return_exceptions=True)
    await listener.desk.new_orders.close()


class ResultsReceiver:
    """hl7apy's MLLP server as a results receiver: parses each ORU^R01 and answers `answer`."""

    def __init__(self, port: int, answer: str = "AA", reason: str = "") -> None:
        self.port = port
        self.received: list[HapyMessage] = []
        receiver = self

        class OruHandler(AbstractHandler):  # type: ignore[misc]
            def reply(self) -> str:
                message = parse_hl7apy(self.incoming_message, find_groups=False)
                receiver.received.append(message)
                ack = HapyMessage("ACK", version="2.5.1")
                ack.msh.msh_3 = "RESULTS-RECEIVER"
                ack.msa.msa_1 = answer
                ack.msa.msa_2 = message.msh.msh_10.value
                if reason:
                    ack.msa.msa_3 = reason
                return str(ack.to_mllp())

        handlers = {"ORU^R01": (OruHandler,), "ORU^R01^ORU_R01": (OruHandler,)}
        self._server = MLLPServer("127.0.0.1", port, handlers, timeout=10)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> "ResultsReceiver":
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(10)
