"""/readyz says ready only once the DICOM listener accepts connections."""

import logging

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from app.api.main import create_app
from app.audit.models import AuditEvent
from app.db.session import session_scope
from app.settings import Settings
from app.storage.store import storage_of
from dicom_listener.reconcile import reconcile
from dicom_listener.server import start_acceptor
from tests.support.network import free_port


def test_readyz_is_not_ready_until_the_dicom_port_accepts(
    settings: Settings, database_url: str
) -> None:
    listener_settings = settings.model_copy(
        update={"dicom_port": free_port(), "listener_metrics_port": 0, "ready_dicom_address": None}
    )
    with TestClient(create_app(listener_settings, database_url)) as client:
        waiting = client.get("/readyz")
        assert waiting.status_code == 503
        port = listener_settings.dicom_port
        assert f"DICOM listener at 127.0.0.1:{port}" in waiting.json()["detail"]

        reconcile(storage_of(listener_settings), database_url)
        server = start_acceptor(listener_settings, database_url)
        try:
            assert client.get("/readyz").json()["status"] == "ready"
        finally:
            server.shutdown()


def test_readiness_probes_leave_no_trace_in_the_listener(
    settings: Settings, database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    listener_settings = settings.model_copy(
        update={"dicom_port": free_port(), "listener_metrics_port": 0, "ready_dicom_address": None}
    )
    server = start_acceptor(listener_settings, database_url)
    try:
        with (
            TestClient(create_app(listener_settings, database_url)) as client,
            caplog.at_level(logging.INFO, logger="dicom_listener"),
        ):
            for _ in range(5):
                assert client.get("/readyz").status_code == 200
    finally:
        server.shutdown()
    assert [r.getMessage() for r in caplog.records if r.name.startswith("dicom_listener")] == []
    with session_scope(database_url) as session:
        assert session.scalar(select(func.count()).select_from(AuditEvent)) == 0


def test_readiness_can_name_a_listener_elsewhere_or_none() -> None:
    elsewhere = Settings(WORKLIST_READY_DICOM_ADDRESS="listener:11112")
    assert elsewhere.listener_address_for_readiness == ("listener", 11112)
    assert Settings(WORKLIST_READY_DICOM_ADDRESS="off").listener_address_for_readiness is None
    wildcard = Settings(WORKLIST_DICOM_HOST="0.0.0.0", WORKLIST_DICOM_PORT="104")
    assert wildcard.listener_address_for_readiness == ("127.0.0.1", 104)
