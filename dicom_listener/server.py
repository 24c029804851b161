"""The DICOM listener process: an application entity on our port, stopped cleanly by a signal."""

import logging

from prometheus_client import start_http_server
from pynetdicom import AE, evt
from pynetdicom.sop_class import Verification  # type: ignore[attr-defined]

from app.settings import Settings
from app.stop_signals import block_stop_signals, wait_for_stop

logger = logging.getLogger(__name__)


def build_ae(settings: Settings) -> AE:
    ae = AE(ae_title=settings.ae_title)
    ae.require_called_aet = True
    ae.add_supported_context(Verification)
    return ae


def _on_echo(event: evt.Event) -> int:
    logger.info("C-ECHO", extra={"calling_ae": event.assoc.requestor.ae_title})
    return 0x0000


def serve(settings: Settings) -> None:
    """Listen until SIGINT or SIGTERM, then finish open associations and return."""
    block_stop_signals()
    if settings.listener_metrics_port:
        start_http_server(settings.listener_metrics_port, addr=settings.dicom_host)
    address = (settings.dicom_host, settings.dicom_port)
    server = build_ae(settings).start_server(
        address, block=False, evt_handlers=[(evt.EVT_C_ECHO, _on_echo)]
    )
    assert server is not None  # block=False always returns the server
    logger.info(
        "DICOM listener ready",
        extra={"ae_title": settings.ae_title, "host": address[0], "port": address[1]},
    )
    wait_for_stop()
    server.shutdown()
    logger.info("DICOM listener stopped")
