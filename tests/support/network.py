"""Loopback ports for servers the tests start, and whether a DICOM one answers."""

import socket
import time

from pynetdicom import AE
from pynetdicom.sop_class import Verification  # type: ignore[attr-defined]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_for_port(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {timeout} s")


def echo_answered(port: int, called_ae: str, seconds: float) -> bool:
    """Whether the DICOM peer on loopback `port` answers a C-ECHO within about `seconds`.

    Use it rather than a bare TCP connect, which would hold one of the listener's threads.
    """
    ae = AE(ae_title="PROBE")
    ae.add_requested_context(Verification)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assoc = ae.associate("127.0.0.1", port, ae_title=called_ae)
        if assoc.is_established:
            status = assoc.send_c_echo()
            assoc.release()
            return bool(status and status.Status == 0x0000)
        time.sleep(0.1)
    return False
