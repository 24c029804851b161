import ssl
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from pynetdicom import AE
from pynetdicom.sop_class import MRImageStorage, Verification  # type: ignore[attr-defined]
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.settings import Settings
from app.studies.models import Study
from dicom_listener.samples import KNEE_MR, study_datasets
from dicom_listener.server import start_acceptor
from tests.integration.listener.conftest import SendDatasets, audit_rows


@pytest.fixture
def only_pacs(listener_settings: Settings) -> Settings:
    listener_settings.allowed_calling_aets = ["PACS"]
    return listener_settings


def test_unknown_calling_ae_is_rejected_and_audited(
    only_pacs: Settings, send: SendDatasets, database_url: str
) -> None:
    assert send(list(study_datasets(KNEE_MR))[:1], calling_ae="INTRUDER") == Counter(
        {"not sent": 1}
    )
    assert send(list(study_datasets(KNEE_MR))[:1], calling_ae="PACS") == Counter({"0x0000": 1})
    (alert,) = audit_rows(database_url, "SecurityAlert")
    assert alert.actor == "ae:INTRUDER"


def test_wrong_called_ae_is_rejected(listener: Settings) -> None:
    ae = AE(ae_title="MODALITY")
    ae.add_requested_context(Verification)
    assoc = ae.associate("127.0.0.1", listener.dicom_port, ae_title="SOMEONE-ELSE")
    assert assoc.is_rejected


def _self_signed_pair(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            *(
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:prime256v1",
            ),
            *("-nodes", "-days", "1", "-subj", "/CN=localhost"),
            *("-addext", "subjectAltName=DNS:localhost"),
            *("-keyout", str(key), "-out", str(cert)),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


def test_tls_round_trip(
    listener_settings: Settings, database_url: str, tmp_path: Path, session: Session
) -> None:
    cert, key = _self_signed_pair(tmp_path)
    tls_settings = listener_settings.model_copy(update={"tls_cert": cert, "tls_key": key})
    server = start_acceptor(tls_settings, database_url)
    try:
        client_context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=str(cert))
        dataset = next(study_datasets(KNEE_MR))
        ae = AE(ae_title="MODALITY")
        ae.add_requested_context(MRImageStorage)
        assoc = ae.associate(
            "127.0.0.1",
            tls_settings.dicom_port,
            ae_title=tls_settings.ae_title,
            tls_args=(client_context, "localhost"),
        )
        assert assoc.is_established
        status = assoc.send_c_store(dataset)
        assoc.release()
    finally:
        server.shutdown()
    assert status.Status == 0x0000
    assert session.scalars(select(Study.source_ae_title)).one() == "MODALITY"
