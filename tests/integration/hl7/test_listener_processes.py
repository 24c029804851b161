"""`worklist hl7` with several processes on one port: every order stored and acknowledged, and
the processes stop together."""

import os
import subprocess
import sys
import threading
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.orders.models import Order
from tests.support.hl7_peers import sample_bytes, send_with_hl7_client
from tests.support.network import free_port, wait_for_port

SENDERS = 4
ORDERS_EACH = 5


def _orders_of(sender: int) -> list[bytes]:
    sample = sample_bytes("orm_o01_v23_new.hl7")
    return [
        sample.replace(b"RIS0001", f"P{sender}N{n}".encode()).replace(
            b"ACC1001", f"PACC{sender}N{n}".encode()
        )
        for n in range(ORDERS_EACH)
    ]


def test_hl7_processes_share_the_port_and_stop_together(
    database_url: str, tmp_path: Path, session: Session
) -> None:
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "WORKLIST_HOME": str(tmp_path / "home"),
        "WORKLIST_HL7_PORT": str(port),
        "WORKLIST_HL7_PROCESSES": "2",
    }
    with (tmp_path / "hl7.log").open("ab") as log:
        listener = subprocess.Popen(
            [sys.executable, "-m", "app", "hl7"], env=env, stdout=log, stderr=log
        )
    try:
        wait_for_port(port, timeout=60)  # the parent's socket; its children start meanwhile
        codes: list[str] = []

        def send(sender: int) -> None:
            acks = send_with_hl7_client(port, _orders_of(sender), timeout=120)
            codes.extend(str(ack.segment("MSA")[1]) for ack in acks)

        senders = [threading.Thread(target=send, args=(n,)) for n in range(SENDERS)]
        for sender in senders:
            sender.start()
        for sender in senders:
            sender.join(300)
        listener.terminate()
        assert listener.wait(30) == 0
    finally:
        if listener.poll() is None:
            listener.kill()
    assert codes == ["AA"] * SENDERS * ORDERS_EACH
    assert session.scalar(select(func.count()).select_from(Order)) == SENDERS * ORDERS_EACH
    with_port_free = subprocess.run(["ss", "-ltnH", f"sport = :{port}"], capture_output=True)
    assert with_port_free.stdout.strip() == b""
