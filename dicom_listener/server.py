"""The DICOM listener process: the door policy, one or several acceptors on the port, metrics."""

import logging
import multiprocessing
import os
import signal
import socket
import socketserver
import ssl
import tempfile
import threading
from collections.abc import Callable
from typing import Any

from prometheus_client import REGISTRY, CollectorRegistry, start_http_server
from pynetdicom import AE, ALL_TRANSFER_SYNTAXES, AllStoragePresentationContexts, _config
from pynetdicom.sop_class import Verification  # type: ignore[attr-defined]
from pynetdicom.transport import ThreadedAssociationServer

from app.process_metrics import all_processes_registry, shared_metrics_folder
from app.settings import Settings
from app.stop_signals import block_stop_signals, stop_with_parent, wait_for_stop
from dicom_listener import storage
from dicom_listener.handlers import IngestHandlers
from dicom_listener.reconcile import reconcile

logger = logging.getLogger(__name__)


class SharedPortServer(ThreadedAssociationServer):
    """An acceptor that lets sibling processes listen on the same port (SO_REUSEPORT)."""

    def server_bind(self) -> None:
        assert self.socket is not None  # TCPServer made it before binding
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        super().server_bind()

    # Told of each peer that failed the TLS handshake (no certificate, an untrusted one, no TLS).
    on_tls_refused: Callable[[str, str], None] | None = None

    def shutdown(self) -> None:
        """Stop accepting and close the socket; open associations run to their end."""
        socketserver.TCPServer.shutdown(self)
        self.server_close()

    def get_request(self) -> tuple[socket.socket, tuple[str, int]]:
        """Accept, leaving the TLS handshake to the connection's thread.

        pynetdicom shakes hands in the accepting thread, so one silent peer would stall every
        other connection; here the handshake happens in `process_request_thread`, under a timeout.
        """
        assert self.socket is not None
        client, address = self.socket.accept()
        if self.ssl_context:
            client = self.ssl_context.wrap_socket(
                client, server_side=True, do_handshake_on_connect=False
            )
        return client, address

    def process_request_thread(
        self, request: socket.socket | tuple[bytes, socket.socket], client_address: Any
    ) -> None:
        if isinstance(request, ssl.SSLSocket) and not self._shake_hands(request, client_address):
            self.shutdown_request(request)
            return
        super().process_request_thread(request, client_address)

    def _shake_hands(self, connection: ssl.SSLSocket, client_address: Any) -> bool:
        connection.settimeout(self.ae.acse_timeout)
        try:
            connection.do_handshake()
        except OSError as error:  # ssl.SSLError included, and a peer that hangs up or stalls
            reason = f"TLS handshake failed: {type(error).__name__}: {error}"[:200]
            logger.warning("DICOM TLS handshake refused", extra={"peer": client_address[0]})
            if self.on_tls_refused is not None:
                self.on_tls_refused(str(client_address[0]), reason)
            return False
        connection.settimeout(None)
        return True


def build_ae(settings: Settings) -> AE:
    """Our application entity: every storage SOP class in every transfer syntax, plus C-ECHO."""
    ae = AE(ae_title=settings.ae_title)
    ae.require_called_aet = True
    ae.require_calling_aet = settings.allowed_calling_aets
    ae.maximum_associations = settings.max_associations
    ae.maximum_pdu_size = settings.max_pdu
    ae.acse_timeout = settings.acse_timeout
    ae.dimse_timeout = settings.dimse_timeout
    ae.network_timeout = settings.network_timeout
    ae.add_supported_context(Verification, ALL_TRANSFER_SYNTAXES)
    for context in AllStoragePresentationContexts:
        assert context.abstract_syntax is not None
        ae.add_supported_context(context.abstract_syntax, ALL_TRANSFER_SYNTAXES)
    return ae


def tls_context(settings: Settings) -> ssl.SSLContext | None:
    """TLS when a certificate is configured; with a CA, peers must show a certificate it signed."""
    if settings.tls_cert is None or settings.tls_key is None:
        return None
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(settings.tls_cert, settings.tls_key)
    if settings.tls_ca is not None:
        context.load_verify_locations(settings.tls_ca)
        context.verify_mode = ssl.CERT_REQUIRED
    return context


def start_acceptor(settings: Settings, database_url: str) -> ThreadedAssociationServer:
    """Start accepting associations in background threads; `.shutdown()` stops it."""
    # Datasets stream to a temp file in storage; filing one is then a link, never a copy.
    _config.STORE_RECV_CHUNKED_DATASET = True
    storage.prepare(settings.storage_dir, settings.quarantine_dir)
    tempfile.tempdir = str(storage.incoming_dir(settings.storage_dir))
    # Often enough that no study looks quiet while it arrives; rarely enough to spare its row lock.
    touch_interval = min(1.0, settings.stable_after / 4)
    handlers = IngestHandlers(
        database_url, settings.storage_dir, settings.quarantine_dir, touch_interval
    )
    server = build_ae(settings).make_server(
        (settings.dicom_host, settings.dicom_port),
        ssl_context=tls_context(settings),
        evt_handlers=handlers.bindings(),
        server_class=SharedPortServer,
    )
    assert isinstance(server, SharedPortServer)
    server.on_tls_refused = handlers.on_tls_refused
    threading.Thread(target=server.serve_forever, name="dicom-acceptor", daemon=True).start()
    return server


def serve(settings: Settings, database_url: str) -> None:
    """Reconcile storage, then listen until SIGINT or SIGTERM and finish open associations."""
    block_stop_signals()
    indexed = reconcile(
        settings.storage_dir, settings.quarantine_dir, database_url, settings.network_timeout
    )
    processes = settings.listener_processes
    if processes == 1:
        _serve_metrics(settings, REGISTRY)
        _serve_until_stopped(settings, database_url)
        return
    with shared_metrics_folder(prefix="listener-metrics-"):
        children = _start_children(settings, database_url, processes)
        _serve_metrics(settings, all_processes_registry())
        logger.info(
            "DICOM listener processes started", extra={"processes": processes, "indexed": indexed}
        )
        wait_for_stop()
        for child in children:
            if child.pid is not None and child.is_alive():
                os.kill(child.pid, signal.SIGTERM)
        for child in children:
            child.join()
    logger.info("DICOM listener stopped")


def _serve_metrics(settings: Settings, registry: CollectorRegistry) -> None:
    if settings.listener_metrics_port:
        port, host = settings.listener_metrics_port, settings.dicom_host
        start_http_server(port, addr=host, registry=registry)


def _start_children(
    settings: Settings, database_url: str, count: int
) -> list[multiprocessing.process.BaseProcess]:
    context = multiprocessing.get_context("spawn")
    children: list[multiprocessing.process.BaseProcess] = [
        context.Process(target=_child_main, args=(settings, database_url), name=f"listener-{n}")
        for n in range(count)
    ]
    for child in children:
        child.start()
    # multiprocessing's resource tracker unblocks SIGINT and SIGTERM when it starts: block again.
    block_stop_signals()
    return children


def _child_main(settings: Settings, database_url: str) -> None:
    """One acceptor process; it dies with its parent, never outlives it."""
    from app.logging_config import configure_logging

    block_stop_signals()
    stop_with_parent()
    configure_logging(settings.log_level, settings.log_format)
    _serve_until_stopped(settings, database_url)


def _serve_until_stopped(settings: Settings, database_url: str) -> None:
    server = start_acceptor(settings, database_url)
    logger.info(
        "DICOM listener ready",
        extra={
            "ae_title": settings.ae_title,
            "host": settings.dicom_host,
            "port": settings.dicom_port,
        },
    )
    wait_for_stop()
    server.shutdown()
    logger.info("DICOM listener process stopped")
