"""`worklist hl7`: an MLLP listener taking orders, one acknowledgment per message, in order.

Each connection is read frame by frame; a frame's message is stored (new orders of all
connections committed together) and acknowledged before the next frame of that connection is read.
With `hl7_processes` above one, that many processes accept on the one listening socket.
Bytes outside a frame are skipped, an oversized frame is refused with an AR and skipped to its
end, and a connection idle for `hl7_timeout` seconds is closed; the listener keeps serving.
"""

import asyncio
import logging
import signal
import socket
import sys
from dataclasses import dataclass, field

if sys.platform != "win32":
    import uvloop

from app.hl7.acks import reject_unparsable
from app.hl7.framing import END_BLOCK, START_BLOCK, frame
from app.settings import Settings
from app.stop_signals import (
    block_stop_signals,
    start_children,
    stop_children,
    stop_with_parent,
    wait_for_stop,
)
from hl7_listener.handler import OrderDesk
from hl7_listener.order_batches import NewOrderBatches

logger = logging.getLogger(__name__)

READ_CHUNK = 65536


class FrameTooLarge(Exception):
    pass


@dataclass
class MllpListener:
    settings: Settings
    database_url: str
    desk: OrderDesk = field(init=False)

    def __post_init__(self) -> None:
        self.desk = OrderDesk(self.settings, self.database_url, NewOrderBatches(self.database_url))

    async def start(self, shared: socket.socket | None = None) -> asyncio.Server:
        """Listen on the configured port, or accept on a socket sibling processes share."""
        host, port = self.settings.hl7_host, self.settings.hl7_port
        if shared is None:
            server = await asyncio.start_server(self._connection, host, port, limit=READ_CHUNK)
        else:
            server = await asyncio.start_server(self._connection, sock=shared, limit=READ_CHUNK)
        logger.info("HL7 listener ready", extra={"host": host, "port": port})
        return server

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        peer = str(writer.get_extra_info("peername", ("?",))[0])
        try:
            while True:
                try:
                    # A timeout scope, not wait_for: wait_for wraps each read in a task of its own.
                    async with asyncio.timeout(self.settings.hl7_timeout):
                        message = await read_frame(reader, self.settings.hl7_max_message_bytes)
                except FrameTooLarge:
                    limit = self.settings.hl7_max_message_bytes
                    reason = f"message larger than {limit} bytes"
                    writer.write(frame(reject_unparsable("", reason).encode()))
                    await writer.drain()
                    continue
                if message is None:
                    return
                writer.write(frame(await self.desk.answer(message, peer)))
                await writer.drain()
        except (TimeoutError, ConnectionError, asyncio.IncompleteReadError):
            return  # an idle, gone or half-sent peer: close, keep listening
        finally:
            writer.close()


async def read_frame(reader: asyncio.StreamReader, max_bytes: int) -> bytes | None:
    """The next frame's content; None at the end of the stream; FrameTooLarge past `max_bytes`.

    Bytes before a start block are skipped (a sender out of step, or not speaking MLLP).
    """
    while True:
        byte = await reader.read(1)
        if not byte:
            return None
        if byte == START_BLOCK:
            break
    content = bytearray()
    while not content.endswith(END_BLOCK):
        chunk = await _read_until_end(reader)
        if not chunk:
            raise asyncio.IncompleteReadError(bytes(content), None)
        content += chunk
        if len(content) > max_bytes + len(END_BLOCK):
            await _skip_to_end(reader, bytes(content))
            raise FrameTooLarge
    return bytes(content[: -len(END_BLOCK)])


async def _read_until_end(reader: asyncio.StreamReader) -> bytes:
    try:
        return await reader.readuntil(END_BLOCK)
    except asyncio.LimitOverrunError as overrun:
        return await reader.readexactly(overrun.consumed)
    except asyncio.IncompleteReadError as partial:
        return partial.partial


async def _skip_to_end(reader: asyncio.StreamReader, seen: bytes) -> None:
    while not seen.endswith(END_BLOCK):
        chunk = await _read_until_end(reader)
        if not chunk:
            raise asyncio.IncompleteReadError(seen[-2:], None)
        seen = seen[-1:] + chunk


async def _serve_until_stopped(
    settings: Settings, database_url: str, shared: socket.socket | None = None
) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    listener = MllpListener(settings, database_url)
    async with await listener.start(shared):
        await stop.wait()
    await listener.desk.new_orders.close()
    logger.info("HL7 listener stopped")


def serve(settings: Settings, database_url: str) -> None:
    """Listen until SIGINT or SIGTERM, in this process or in `hl7_processes` children."""
    if settings.hl7_processes == 1:
        _serve_here(settings, database_url)
        return
    block_stop_signals()
    address = (settings.hl7_host, settings.hl7_port)
    with socket.create_server(address, backlog=128) as listening:
        arguments = (settings, database_url, listening)
        children = start_children(_child_main, arguments, settings.hl7_processes, "hl7")
        wait_for_stop()
        stop_children(children)


def _child_main(settings: Settings, database_url: str, listening: socket.socket) -> None:
    """One listener process on the parent's socket; it dies with its parent, never outlives it."""
    from app.logging_config import configure_logging

    stop_with_parent()
    configure_logging(settings.log_level, settings.log_format)
    _serve_here(settings, database_url, listening)


def _serve_here(settings: Settings, database_url: str, shared: socket.socket | None = None) -> None:
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})
    serving = _serve_until_stopped(settings, database_url, shared)
    if sys.platform == "win32":
        asyncio.run(serving)
    else:
        # libuv's event loop takes about an eighth less CPU per message than asyncio's own.
        uvloop.run(serving)
