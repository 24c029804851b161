"""Associations at the edges: the cap, silent peers, broken message flows, several processes."""

import socket
import struct
import threading
from collections import Counter
from pathlib import Path

import pytest
from pydicom import Dataset
from pynetdicom import AE
from pynetdicom.dsutils import encode
from pynetdicom.sop_class import MRImageStorage, Verification  # type: ignore[attr-defined]
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.settings import Settings
from app.storage.store import storage_of
from app.studies.models import Instance
from dicom_listener.samples import KNEE_MR, study_datasets, write_datasets
from dicom_listener.sender import Destination, send_files
from dicom_listener.server import start_acceptor
from tests.integration.listener.conftest import audit_rows, listener_process
from tests.support.network import echo_answered
from tests.support.raw_dicom import (
    ABORT,
    ASSOCIATE_RJ,
    COMMAND,
    LAST,
    RELEASE_RQ,
    associate_rq,
    associated,
    p_data,
    read_pdu,
)

MR_STORAGE = str(MRImageStorage).encode()


@pytest.fixture
def one_at_a_time(listener_settings: Settings) -> Settings:
    listener_settings.max_associations = 1
    listener_settings.network_timeout = 0.5
    return listener_settings


def test_an_association_past_the_cap_is_rejected_as_transient(
    one_at_a_time: Settings, listener: Settings
) -> None:
    with associated(listener.dicom_port, listener.ae_title):
        with socket.create_connection(("127.0.0.1", listener.dicom_port), timeout=10) as second:
            second.sendall(associate_rq(listener.ae_title, "SECOND"))
            kind, body = read_pdu(second)
    assert (kind, body[1:]) == (ASSOCIATE_RJ, bytes((0x02, 0x03, 0x02)))  # local limit exceeded
    assert _serving(listener), "the freed slot was not given to the next peer"


def test_a_silent_peer_is_aborted_and_audited(
    one_at_a_time: Settings, listener: Settings, database_url: str
) -> None:
    with associated(listener.dicom_port, listener.ae_title) as connection:
        kind, _ = read_pdu(connection)
    assert kind == ABORT
    # The fixture's C-ECHO probe is audited too, when its association ends: maybe after this
    # test began. The silent peer's is the one aborted.
    aborted = audit_rows(
        database_url, "NetworkEntry", where=lambda row: row.details["ended"] == "aborted"
    )
    assert len(aborted) == 1


def test_a_command_on_a_context_never_accepted_aborts_the_association(
    listener: Settings,
) -> None:
    with associated(listener.dicom_port, listener.ae_title) as connection:
        connection.sendall(p_data(99, COMMAND | LAST, _echo_command()))
        kind, body = read_pdu(connection)
    assert (kind, body[2]) == (ABORT, 0x02)  # aborted by us, the service provider
    assert _serving(listener)


def test_release_in_the_middle_of_a_data_set_aborts_and_keeps_nothing(
    listener: Settings, session: Session
) -> None:
    dataset = next(study_datasets(KNEE_MR))
    with associated(listener.dicom_port, listener.ae_title, MR_STORAGE) as connection:
        connection.sendall(p_data(1, COMMAND | LAST, _store_command(dataset)))
        connection.sendall(p_data(1, 0x00, b"\x08\x00\x05\x00\x0a\x00\x00\x00ISO_IR 100"))
        connection.sendall(struct.pack(">BxI", RELEASE_RQ, 4) + bytes(4))
        kind, _ = read_pdu(connection)
    assert kind == ABORT
    assert _serving(listener)  # by then the aborted association has cleaned up
    assert list(storage_of(listener).spool_dir.iterdir()) == []
    assert session.scalar(select(func.count()).select_from(Instance)) == 0


def test_listener_processes_share_the_port_and_stop_together(
    listener_settings: Settings, database_url: str, tmp_path: Path, session: Session
) -> None:
    settings = listener_settings.model_copy(update={"listener_processes": 2})
    studies = [write_datasets(study_datasets(KNEE_MR), tmp_path / f"s{n}") for n in range(4)]
    answers: Counter[str] = Counter()
    destination = Destination("127.0.0.1", settings.dicom_port, settings.ae_title, "MODALITY")

    def send(files: list[Path]) -> None:
        answers.update(send_files(files, destination))

    with listener_process(settings, database_url) as listener:
        senders = [threading.Thread(target=send, args=(files,)) for files in studies]
        for sender in senders:
            sender.start()
        for sender in senders:
            sender.join()
        listener.terminate()
        assert listener.wait(30) == 0
    total = sum(map(len, studies))
    assert answers == Counter({"0x0000": total})
    assert session.scalar(select(func.count()).select_from(Instance)) == total


def _serving(listener: Settings) -> bool:
    return echo_answered(listener.dicom_port, listener.ae_title, seconds=5)


def _echo_command() -> bytes:
    command = Dataset()
    command.AffectedSOPClassUID = Verification
    command.CommandField = 0x0030
    command.MessageID = 1
    command.CommandDataSetType = 0x0101
    return _encoded(command)


def _store_command(dataset: Dataset) -> bytes:
    command = Dataset()
    command.AffectedSOPClassUID = dataset.SOPClassUID
    command.CommandField = 0x0001
    command.MessageID = 1
    command.Priority = 0
    command.CommandDataSetType = 0x0001
    command.AffectedSOPInstanceUID = dataset.SOPInstanceUID
    return _encoded(command)


def _encoded(command: Dataset) -> bytes:
    encoded = encode(command, True, True)
    assert encoded is not None
    return encoded


def test_a_stopping_listener_lets_open_associations_finish(
    listener_settings: Settings, database_url: str
) -> None:
    server = start_acceptor(listener_settings, database_url)
    ae = AE(ae_title="MODALITY")
    ae.add_requested_context(Verification)
    port, called = listener_settings.dicom_port, listener_settings.ae_title
    assoc = ae.associate("127.0.0.1", port, ae_title=called)
    assert assoc.is_established

    server.shutdown()

    assert server.wait_for_open_associations(0.2) == 1
    assert assoc.send_c_echo().Status == 0x0000
    assoc.release()
    assert server.wait_for_open_associations(5) == 0
