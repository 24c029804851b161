"""Mutual TLS on the DICOM port: no valid client certificate, no association, and an audit row."""

import socket
import ssl
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from pynetdicom import AE
from pynetdicom.sop_class import Verification  # type: ignore[attr-defined]
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit.models import AuditEvent
from app.settings import Settings
from dicom_listener.server import start_acceptor
from tests.integration.listener.test_door import _self_signed_pair
from tests.support.network import free_port


@dataclass(frozen=True)
class MutualTls:
    settings: Settings
    server_cert: Path
    client_cert: Path
    client_key: Path


@pytest.fixture
def mutual_tls(settings: Settings, database_url: str, tmp_path: Path) -> Iterator[MutualTls]:
    (tmp_path / "server").mkdir()
    (tmp_path / "client").mkdir()
    server_cert, server_key = _self_signed_pair(tmp_path / "server")
    client_cert, client_key = _self_signed_pair(tmp_path / "client")
    settings = settings.model_copy(
        update={
            "dicom_port": free_port(),
            "listener_metrics_port": 0,
            "tls_cert": server_cert,
            "tls_key": server_key,
            "tls_ca": client_cert,
            "acse_timeout": 2.0,
        }
    )
    server = start_acceptor(settings, database_url)
    yield MutualTls(settings, server_cert, client_cert, client_key)
    server.shutdown()


def _echo(door: MutualTls, with_certificate: bool) -> bool:
    context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=str(door.server_cert))
    context.check_hostname = False
    if with_certificate:
        context.load_cert_chain(door.client_cert, door.client_key)
    ae = AE(ae_title="MODALITY")
    ae.acse_timeout = ae.network_timeout = 5
    ae.add_requested_context(Verification)
    assoc = ae.associate(
        "127.0.0.1",
        door.settings.dicom_port,
        ae_title=door.settings.ae_title,
        tls_args=(context, "localhost"),
    )
    if not assoc.is_established:
        return False
    status = assoc.send_c_echo()
    assoc.release()
    return bool(status.Status == 0x0000)


def test_client_with_a_trusted_certificate_is_served(mutual_tls: MutualTls) -> None:
    assert _echo(mutual_tls, with_certificate=True)


def _first_security_alert(session: Session, within: float = 10.0) -> AuditEvent:
    """The listener writes the row in the connection's thread, possibly after the client gave up."""
    deadline = time.monotonic() + within
    query = select(AuditEvent).where(AuditEvent.action == "SecurityAlert")
    while (alert := session.scalars(query).one_or_none()) is None:
        assert time.monotonic() < deadline, "no SecurityAlert audit row was written"
        time.sleep(0.05)
    return alert


def test_client_without_a_certificate_is_refused_and_audited(
    mutual_tls: MutualTls, session: Session
) -> None:
    assert not _echo(mutual_tls, with_certificate=False)
    alert = _first_security_alert(session)
    assert alert.outcome == "MINOR_FAILURE"
    assert alert.source_address == "127.0.0.1"
    assert alert.details["reason"].startswith("TLS handshake failed")


def test_a_silent_peer_does_not_hold_the_door_for_others(mutual_tls: MutualTls) -> None:
    with socket.create_connection(("127.0.0.1", mutual_tls.settings.dicom_port)):
        assert _echo(mutual_tls, with_certificate=True)
