"""HL7 v2 over MLLP: orders in against a bare MLLP echo server, and reports out.

    .venv/bin/python -m bench.hl7 [--senders 10] [--orders 300] [--rounds 5] [--processes N]
                                  [--reports 1000] [--studies 200]

`--orders` is per sender, each sender a process of its own waiting for its ACK before sending
the next (the issue's figure is `--orders 10000`), split among `--rounds` rounds in which the
echo and the listener take turns, so that both are measured over the same stretch of the
machine's time. The listener runs as `worklist hl7` does, with `--processes` processes
(WORKLIST_HL7_PROCESSES, one by default as there) sharing its port, and commits each order
before its ACK; the echo server, also a process of its own, answers every frame with a fixed
ACK and stores nothing: the floor under any MLLP listener on this machine.
Then: an order waiting for its study, the study made stable and routed (p99 per study); and
the worker's outbox delivering `--reports` ORU^R01 messages to a local receiver (a process of
its own answering each with an AA naming its control id).
Set BENCH_DATABASE_URL to use a running Postgres instead of an embedded one.
"""

import argparse
import asyncio
import multiprocessing
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from multiprocessing.connection import Connection
from multiprocessing.synchronize import Barrier
from pathlib import Path

from sqlalchemy import func, select

from app.db.migrations import upgrade_to_head
from app.db.session import session_scope
from app.deliveries.models import OutboxMessage
from app.deliveries.service import deliver_pending, enqueue
from app.hl7.framing import END_BLOCK, frame
from app.orders.models import Order
from app.orders.records import OrderControl, OrderFacts, ReceivedOrder
from app.principal import Principal
from app.settings import Settings
from app.studies.models import Series, Study
from app.vocabulary import Priority
from app.workflow.on_stable import on_study_stable
from app.workflow.orders import receive_order
from bench.api import bench_database, percentile
from bench.cpu import wait_until_idle

SAMPLE = Path(__file__).resolve().parents[1] / "tests" / "data" / "hl7" / "orm_o01_v23_new.hl7"
ECHO_ACK = b"MSH|^~\\&|ECHO||||20260101000000||ACK|1|P|2.5.1\rMSA|AA|1\r"
RIS = Principal.system("bench-ris")


def order_message(sender: int, number: int) -> bytes:
    template = SAMPLE.read_bytes().replace(b"\n", b"\r")
    unique = f"{sender:02d}{number:07d}".encode()
    return template.replace(b"RIS0001", b"B" + unique).replace(b"ACC1001", b"A" + unique)


def _send_all(port: int, sender: int, numbers: range, latencies: list[float]) -> None:
    with socket.create_connection(("127.0.0.1", port), timeout=60) as connection:
        connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        for number in numbers:
            message = frame(order_message(sender, number))
            started = time.perf_counter()
            connection.sendall(message)
            answer = b""
            while not answer.endswith(b"\x1c\r"):
                chunk = connection.recv(65536)
                if not chunk:
                    raise ConnectionError("the listener closed the connection")
                answer += chunk
            latencies.append(time.perf_counter() - started)
            if b"MSA|AA" not in answer:
                raise RuntimeError(f"not accepted: {answer[:200]!r}")


def _sender(port: int, sender: int, numbers: range, start: Barrier, results: Connection) -> None:
    """One sender process: its latencies, or why it stopped, sent back to the bench."""
    latencies: list[float] = []
    try:
        start.wait()
        _send_all(port, sender, numbers, latencies)
        results.send(latencies)
    except Exception as error:
        results.send(f"sender {sender}: {error!r}")


def _answer_of(receiving: Connection) -> list[float] | str:
    try:
        answer: list[float] | str = receiving.recv()
    except EOFError:
        return "a sender process died"
    return answer


@dataclass
class Measured:
    """What the senders saw of one server, over all its rounds."""

    latencies: list[float] = field(default_factory=list)
    elapsed: float = 0.0
    rounds: int = 0

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.elapsed

    @property
    def p99_ms(self) -> float:
        return percentile(self.latencies, 0.99) * 1000


def load(port: int, senders: int, numbers: range, measured: Measured) -> None:
    """`senders` connections at once, each sending the orders `numbers` one after the other.

    Each sender is a process of its own, as independent RIS interfaces are: threads of one
    Python process take turns on its interpreter lock, which held the bare echo to about 7,000
    messages/s here where separate senders reach 15,000, and so measured the senders as much as
    the server.
    """
    forking = multiprocessing.get_context("fork")
    start = forking.Barrier(senders + 1)
    pipes = [forking.Pipe(duplex=False) for _ in range(senders)]
    processes = [
        forking.Process(target=_sender, args=(port, sender, numbers, start, sending))
        for sender, (_, sending) in enumerate(pipes)
    ]
    for process, (_, sending) in zip(processes, pipes, strict=True):
        process.start()
        sending.close()  # the sender's own copy is the one left: its death ends the pipe
    start.wait()  # every sender started: the clock measures sending only
    started = time.perf_counter()
    answers = [_answer_of(receiving) for receiving, _ in pipes]
    measured.elapsed += time.perf_counter() - started
    measured.rounds += 1
    for process in processes:
        process.join()
    for answer in answers:
        if isinstance(answer, str):
            raise RuntimeError(answer)
        measured.latencies.extend(answer)


def load_in_turns(
    ports: tuple[int, int], senders: int, orders: int, rounds: int
) -> tuple[Measured, Measured]:
    """Both servers loaded in alternating rounds (A B, B A, A B...), each sender's orders split
    among the rounds: a machine that speeds up or slows down during the run (other work on a
    shared host) weighs on both alike rather than on whichever ran at the time."""
    measured = (Measured(), Measured())
    size = -(-orders // rounds)
    for turn, first in enumerate(range(0, orders, size)):
        numbers = range(first, min(first + size, orders))
        order = (0, 1) if turn % 2 == 0 else (1, 0)
        for which in order:
            load(ports[which], senders, numbers, measured[which])
    return measured


async def _echo(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Answers each frame's end with a fixed ACK. The bare echoes tried (asyncio's streams or a
    protocol, on asyncio's loop or libuv's) answer alike within the machine's noise (15,000 to
    37,000 messages/s on the hosts measured): this one is the plainest.
    """
    try:
        while True:
            await reader.readuntil(END_BLOCK)
            writer.write(frame(ECHO_ACK))
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    writer.close()


async def _acknowledge(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """A receiver of reports: each frame answered AA naming its message's MSH-10 in MSA-2, as
    the outbox requires of an answer."""
    try:
        while True:
            content = await reader.readuntil(END_BLOCK)
            header = content[content.find(b"MSH") :].split(b"\r", 1)[0]
            control_id = header.split(header[3:4])[9]
            writer.write(frame(ECHO_ACK.replace(b"MSA|AA|1", b"MSA|AA|" + control_id)))
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    writer.close()


async def _serve(port: int, answer: Callable[..., Awaitable[None]]) -> None:
    server = await asyncio.start_server(answer, "127.0.0.1", port)
    async with server:
        await server.serve_forever()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _start(arguments: list[str], env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    process = subprocess.Popen([sys.executable, "-m", *arguments], env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                wait_until_idle(process.pid, deadline - time.monotonic())
                return process
        time.sleep(0.1)
    process.kill()
    raise TimeoutError(f"nothing listens on {port}")


def match_and_route(url: str, settings: Settings, studies: int) -> float:
    """p99 ms from a study becoming stable to routed, its order waiting for it."""
    durations = []
    for number in range(studies):
        accession = f"MATCH{number:06d}"
        with session_scope(url) as session:
            facts = OrderFacts(
                accession, patient_id="P1", reason="r/o stroke", priority=Priority.STAT
            )
            receive_order(session, RIS, settings, ReceivedOrder(OrderControl.NEW, facts, "HL7"))
            study = Study(
                study_instance_uid=f"1.2.826.0.1.3680043.10.7777.{number}",
                patient_id="P1",
                accession_number=accession,
                study_description="CT HEAD WO",
                modalities=["CT"],
                body_part_examined="HEAD",
            )
            session.add(study)
            session.flush()
            series_uid = f"{study.study_instance_uid}.1"
            session.add(Series(study_id=study.id, series_instance_uid=series_uid, modality="CT"))
            study_id = study.id
        started = time.perf_counter()
        with session_scope(url) as session:
            on_study_stable(session, study_id, settings)
            session.get_one(Study, study_id).stable_at = datetime.now(UTC)
        durations.append(time.perf_counter() - started)
    return percentile(durations, 0.99) * 1000


def deliver_reports(url: str, settings: Settings, reports: int, receiver_port: int) -> float:
    """Reports per second sent by the worker's outbox job to a local receiver."""
    payload = SAMPLE.read_text().replace("\n", "\r").replace("ORM^O01", "ORU^R01")
    destination = f"127.0.0.1:{receiver_port}"
    with session_scope(url) as session:
        for number in range(reports):
            control_id = f"R{number}"
            enqueue(session, [destination], message_type="ORU^R01", control_id=control_id,
                    payload=payload.replace("RIS0001", control_id))  # fmt: skip
    sending = settings.model_copy(update={"hl7_destinations": [destination]})
    started = time.perf_counter()
    while True:
        with session_scope(url) as session:
            if not deliver_pending(session, sending):
                break
    elapsed = time.perf_counter() - started
    with session_scope(url) as session:
        sent = session.scalar(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.state == "SENT")
        )
    if sent != reports:
        raise RuntimeError(f"{sent} of {reports} reports delivered")
    return reports / elapsed


def run(
    url: str, senders: int, orders: int, rounds: int, processes: int, reports: int, studies: int
) -> None:
    env = {**os.environ, "DATABASE_URL": url, "WORKLIST_LOG_LEVEL": "WARNING"}
    env["WORKLIST_HL7_PROCESSES"] = str(processes)
    listener_port, echo_port, receiver_port = _free_port(), _free_port(), _free_port()
    env["WORKLIST_HL7_PORT"] = str(listener_port)
    listener = _start(["app", "hl7"], env, listener_port)
    echo = _start(["bench.hl7", "--echo-server", str(echo_port)], env, echo_port)
    receiver = _start(["bench.hl7", "--receiver", str(receiver_port)], env, receiver_port)
    try:
        echo_load, listener_load = load_in_turns(
            (echo_port, listener_port), senders, orders, rounds
        )
        with session_scope(url) as session:
            stored = session.scalar(select(func.count()).select_from(Order))
        settings = Settings(DATABASE_URL=url)
        route_p99 = match_and_route(url, settings, studies)
        delivered = deliver_reports(url, settings, reports, receiver_port)
    finally:
        for process in (listener, echo, receiver):
            process.terminate()
            process.wait(15)
    total = senders * orders
    echo_rate, rate = echo_load.rate, listener_load.rate
    # Fewer rounds than asked when there are fewer orders than rounds.
    print(f"{senders} senders x {orders} orders, each waiting for its ACK, in"
          f" {listener_load.rounds} rounds of echo and listener in turn")  # fmt: skip
    print(f"  bare MLLP echo      {echo_rate:8.0f} msg/s   ACK p99 {echo_load.p99_ms:6.1f} ms")
    listener_p99, ratio = listener_load.p99_ms, rate / echo_rate
    print(f"  worklist hl7 ({processes} pr.) {rate:7.0f} orders/s ACK p99 {listener_p99:6.1f} ms"
          f"   ({ratio:.2f}x echo; target >= 0.5x)")  # fmt: skip
    print(f"  orders committed    {stored} of {total}")
    print(f"order waiting, study stable -> matched and routed: p99 {route_p99:.1f} ms "
          f"over {studies} studies (target < 100 ms)")  # fmt: skip
    print(f"outbox: {reports} ORU^R01 delivered in order at {delivered:.0f}/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--senders", type=int, default=10)
    parser.add_argument("--orders", type=int, default=300, help="orders per sender")
    parser.add_argument("--rounds", type=int, default=5, help="rounds of echo and listener in turn")
    parser.add_argument(
        "--processes", type=int, default=Settings().hl7_processes, help="HL7 listener processes"
    )
    parser.add_argument("--reports", type=int, default=1000)
    parser.add_argument("--studies", type=int, default=200)
    parser.add_argument("--echo-server", type=int, metavar="PORT", help=argparse.SUPPRESS)
    parser.add_argument("--receiver", type=int, metavar="PORT", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.echo_server:
        asyncio.run(_serve(arguments.echo_server, _echo))
        return
    if arguments.receiver:
        asyncio.run(_serve(arguments.receiver, _acknowledge))
        return
    with tempfile.TemporaryDirectory(prefix="bench-hl7-") as folder:
        with bench_database(Path(folder)) as url:
            upgrade_to_head(url)
            run(
                url,
                arguments.senders,
                arguments.orders,
                arguments.rounds,
                arguments.processes,
                arguments.reports,
                arguments.studies,
            )


if __name__ == "__main__":
    main()
