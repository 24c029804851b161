"""The DICOM listener process: the door policy, one or several acceptors on the port, metrics."""

import errno
import logging
import socket
import socketserver
import ssl
import threading
import time
from typing import Any

from prometheus_client import REGISTRY, CollectorRegistry, start_http_server

from app.process_metrics import all_processes_registry, shared_metrics_folder
from app.settings import Settings
from app.stop_signals import (
    block_stop_signals,
    start_children,
    stop_children,
    stop_with_parent,
    wait_for_stop,
)
from app.storage.store import storage_of
from app.studies.quiet_period import reconciling
from dicom_listener import metrics
from dicom_listener.association import Association, Door
from dicom_listener.database import warm_up
from dicom_listener.handlers import IngestHandlers
from dicom_listener.negotiation import SopClassPolicy
from dicom_listener.outcomes import kind_of_error
from dicom_listener.reconcile import reconcile

logger = logging.getLogger(__name__)

# How long a stopping listener lets open associations run on. Anything cut short was never
# acknowledged, and senders' re-sends are idempotent.
STOP_GRACE = 30.0


class Acceptor(socketserver.ThreadingTCPServer):
    """Accepts connections, one thread each, on its own socket or one its sibling processes share.

    Each process waits in a blocking `accept`; Linux hands a connection to the longest waiter,
    so sibling processes take turns and four senders on two processes are served two and two.
    (Per-process sockets with SO_REUSEPORT spread connections by a hash, which could give one
    process three of the four.) The TLS handshake happens in the connection's thread under
    the ACSE timeout, so one silent peer never stalls the others; past the cap associations are
    rejected.
    """

    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True

    def __init__(
        self,
        address: tuple[str, int],
        door: Door,
        ingest: IngestHandlers,
        ssl_context: ssl.SSLContext | None,
        max_associations: int,
        shared: socket.socket | None = None,
    ) -> None:
        self.door = door
        self.ingest = ingest
        self.ssl_context = ssl_context
        self._max_associations = max_associations
        self._open_associations = 0
        self._open_changed = threading.Condition()
        super().__init__(address, socketserver.BaseRequestHandler, bind_and_activate=not shared)
        if shared is not None:
            self.socket.close()
            self.socket = shared
        self._stopping = threading.Event()

    def serve_forever(self, poll_interval: float = 0.5) -> None:
        """Accept until `shutdown`, each connection on a thread of its own."""
        while not self._stopping.is_set():
            try:
                request, client_address = self.get_request()
            except OSError as error:
                if self._stopping.is_set() or error.errno in (errno.EBADF, errno.EINVAL):
                    return  # shut down, here or by a sibling stopping with us
                # A peer gone before its turn, or no file descriptor left: keep listening.
                logger.warning("DICOM accept failed", extra={"error": kind_of_error(error)})
                time.sleep(0.1)
                continue
            self.process_request(request, client_address)

    def shutdown(self) -> None:
        """Stop accepting and close the socket; open associations run to their end.

        Shutting the socket down wakes a blocked `accept`; sibling processes sharing it are
        stopping too, as they only ever stop together.
        """
        self._stopping.set()
        try:
            self.socket.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass  # never connected, or already shut by a sibling
        self.server_close()

    def get_request(self) -> tuple[socket.socket, Any]:
        client, address = self.socket.accept()
        # Answers are small writes each waiting on the peer's next request: never delay them.
        client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return client, address

    def finish_request(self, request: Any, client_address: Any) -> None:
        address = str(client_address[0])
        if self.ssl_context is None:
            self._serve(request, address)
            return
        secured = self._shake_hands(request, self.ssl_context, address)
        if secured is not None:
            with secured:  # socketserver closes the plain socket, now detached, not this one
                self._serve(secured, address)

    def _serve(self, request: socket.socket, address: str) -> None:
        with self._open_changed:
            admitted = self._open_associations < self._max_associations
            self._open_associations += int(admitted)
        try:
            Association(request, address, self.door).run(self.ingest, admitted)
        except Exception:
            logger.exception("association failed", extra={"peer": address})
        finally:
            with self._open_changed:
                self._open_associations -= int(admitted)
                self._open_changed.notify_all()

    def wait_for_open_associations(self, timeout: float) -> int:
        """Wait until every admitted association has ended, at most `timeout` seconds; how
        many are still open."""
        with self._open_changed:
            self._open_changed.wait_for(lambda: self._open_associations == 0, timeout)
            return self._open_associations

    def _shake_hands(
        self, connection: socket.socket, context: ssl.SSLContext, address: str
    ) -> ssl.SSLSocket | None:
        """The connection under TLS, or None when it was refused or closed unused.

        A peer that connects and closes without a byte (a readiness check of the port, a load
        balancer's TCP probe) is no security event: it is closed without an audit row.
        """
        connection.settimeout(self.door.acse_timeout)
        try:
            if not connection.recv(1, socket.MSG_PEEK):
                connection.close()
                return None
            secured = context.wrap_socket(connection, server_side=True)
        except OSError as error:  # ssl.SSLError included, and a peer that hangs up or stalls
            reason = f"TLS handshake failed: {type(error).__name__}: {error}"[:200]
            logger.warning("DICOM TLS handshake refused", extra={"peer": address})
            self.ingest.audit.tls_refused(address, reason)
            connection.close()
            return None
        return secured


def door(settings: Settings) -> Door:
    """Our application entity: the storage SOP classes settings allow, plus C-ECHO."""
    return Door(
        ae_title=settings.ae_title,
        allowed_calling_aets=frozenset(settings.allowed_calling_aets),
        max_pdu=settings.max_pdu,
        acse_timeout=settings.acse_timeout,
        dimse_timeout=settings.dimse_timeout,
        network_timeout=settings.network_timeout,
        incoming_dir=storage_of(settings).spool_dir,
        sop_classes=SopClassPolicy(frozenset(settings.accepted_sop_classes)),
    )


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


def start_acceptor(
    settings: Settings, database_url: str, shared: socket.socket | None = None
) -> Acceptor:
    """Start accepting associations in background threads; `.shutdown()` stops it."""
    ingest = IngestHandlers.for_settings(settings, database_url)
    warm_up(database_url)
    server = Acceptor(
        (settings.dicom_host, settings.dicom_port),
        door(settings),
        ingest,
        tls_context(settings),
        settings.max_associations,
        shared,
    )
    threading.Thread(target=server.serve_forever, name="dicom-acceptor", daemon=True).start()
    return server


def serve(settings: Settings, database_url: str) -> None:
    """Listen until SIGINT or SIGTERM, reconciling storage meanwhile at start; open
    associations get `STOP_GRACE` seconds to finish.

    The port opens first, so senders are not turned away for the minutes a year's storage takes
    to list; no study received before the reconciliation began is judged quiet until it is
    over (`reconciling`, whose lock is taken before the port opens).
    """
    block_stop_signals()
    storage = storage_of(settings)
    storage.prepare()  # the spool associations receive into
    processes = settings.listener_processes
    if processes == 1:
        _serve_metrics(settings, REGISTRY)
        with reconciling(database_url):
            server = _start_serving(settings, database_url)
            reconcile(storage, database_url, settings.network_timeout)
        _serve_until_stopped(server)
        return
    address = (settings.dicom_host, settings.dicom_port)
    with (
        shared_metrics_folder(prefix="listener-metrics-"),
        socket.create_server(address, backlog=128) as listening,
    ):
        registry = all_processes_registry()
        registry.register(metrics.RECONCILIATION)
        _serve_metrics(settings, registry)
        with reconciling(database_url):
            # The socket reaches each child duplicated.
            arguments = (settings, database_url, listening)
            children = start_children(_child_main, arguments, processes, "listener")
            logger.info("DICOM listener processes started", extra={"processes": processes})
            reconcile(storage, database_url, settings.network_timeout)
        wait_for_stop()
        stop_children(children)
    logger.info("DICOM listener stopped")


def _serve_metrics(settings: Settings, registry: CollectorRegistry) -> None:
    if settings.listener_metrics_port:
        port, host = settings.listener_metrics_port, settings.dicom_host
        start_http_server(port, addr=host, registry=registry)


def _child_main(settings: Settings, database_url: str, listening: socket.socket) -> None:
    """One acceptor process on the parent's socket; it dies with its parent, never outlives it."""
    from app.logging_config import configure_logging

    block_stop_signals()
    stop_with_parent()
    configure_logging(settings.log_level, settings.log_format)
    _serve_until_stopped(_start_serving(settings, database_url, listening))


def _start_serving(
    settings: Settings, database_url: str, shared: socket.socket | None = None
) -> Acceptor:
    server = start_acceptor(settings, database_url, shared)
    logger.info(
        "DICOM listener ready",
        extra={
            "ae_title": settings.ae_title,
            "host": settings.dicom_host,
            "port": settings.dicom_port,
        },
    )
    return server


def _serve_until_stopped(server: Acceptor) -> None:
    wait_for_stop()
    server.shutdown()
    still_open = server.wait_for_open_associations(STOP_GRACE)
    if still_open:
        logger.warning("DICOM associations cut at stop", extra={"associations": still_open})
    logger.info("DICOM listener process stopped")
