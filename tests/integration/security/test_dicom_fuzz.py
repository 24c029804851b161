"""Bad bytes at the DICOM door, tried for real against a running listener.

Mutated and truncated datasets over C-STORE, and malformed PDUs over a raw socket. Each one gets
a success or failure status, an A-ASSOCIATE-RJ or an abort, never a dead listener; afterwards
every stored file has its row, every row its file, and nothing is left half-received.
"""

import io
import socket
import struct
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydicom import Dataset
from pydicom.uid import ExplicitVRLittleEndian
from pynetdicom import AE, _config
from pynetdicom.sop_class import MRImageStorage, Verification  # type: ignore[attr-defined]
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.settings import Settings
from app.storage.store import INCOMING, storage_of
from app.studies.models import Instance
from dicom_listener.samples import KNEE_MR, study_datasets
from dicom_listener.server import start_acceptor
from tests.support.network import echo_answered, free_port
from tests.support.raw_dicom import associate_rq

DATASETS = 50
PDUS = 60
ANSWERS = {0x0000, 0xA700, 0xC000, 0xC001}
PDU_ANSWERS = {0x02, 0x03, 0x04, 0x06, 0x07}  # AC, RJ, P-DATA, release RP, abort
FUZZ = settings(
    max_examples=DATASETS,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture
def door(settings: Settings, database_url: str) -> Iterator[Settings]:
    listening = settings.model_copy(
        update={
            "dicom_port": free_port(),
            "listener_metrics_port": 0,
            "acse_timeout": 2.0,
            "network_timeout": 2.0,
        }
    )
    server = start_acceptor(listening, database_url)
    yield listening
    server.shutdown()


@pytest.fixture
def raw_sending() -> Iterator[None]:
    """C-STORE sends a file's bytes as they are, instead of decoding and re-encoding them."""
    chunked, _config.STORE_SEND_CHUNKED_DATASET = _config.STORE_SEND_CHUNKED_DATASET, True
    yield
    _config.STORE_SEND_CHUNKED_DATASET = chunked


def _file_bytes(dataset: Dataset) -> tuple[bytes, int]:
    """The dataset in the DICOM file format, and where its body starts (after the meta group)."""
    buffer = io.BytesIO()
    dataset.save_as(buffer, enforce_file_format=True)
    data = buffer.getvalue()
    meta_length = struct.unpack_from("<I", data, 132 + 8)[0]
    return data, 132 + 12 + meta_length


def _association(door: Settings) -> AE:
    ae = AE(ae_title="FUZZER")
    ae.acse_timeout = ae.dimse_timeout = ae.network_timeout = 5
    ae.add_requested_context(MRImageStorage, ExplicitVRLittleEndian)
    ae.add_requested_context(Verification)
    return ae


def _still_serving(door: Settings) -> bool:
    """A C-ECHO succeeds once the fuzzed associations have timed out and freed their slots."""
    return echo_answered(door.dicom_port, door.ae_title, seconds=10)


mutations = st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), max_size=12)


@pytest.mark.usefixtures("raw_sending")
@pytest.mark.filterwarnings("ignore::UserWarning")  # pydicom's, about the corrupted values
def test_mutated_and_truncated_datasets_get_a_status_and_leave_nothing_half_done(
    door: Settings, tmp_path: Path, session: Session
) -> None:
    template = next(study_datasets(KNEE_MR, matrix=16))
    answers: list[int | None] = []

    @FUZZ
    @given(changes=mutations, keep=st.one_of(st.none(), st.integers(0, 4000)))
    def send_one(changes: list[tuple[int, int]], keep: int | None) -> None:
        answers.append(_store_mutated(door, tmp_path, template, changes, keep))

    send_one()
    assert len(answers) == DATASETS
    assert set(answers) - {None} <= ANSWERS, answers
    assert _still_serving(door)
    _assert_storage_matches_rows(door, session)


def _store_mutated(
    door: Settings,
    folder: Path,
    template: Dataset,
    changes: list[tuple[int, int]],
    keep: int | None,
) -> int | None:
    """C-STORE the template with bytes of its body changed and maybe cut short; the status."""
    data, body = _file_bytes(template)
    mutated = bytearray(data)
    for position, value in changes:
        mutated[body + position % (len(data) - body)] = value
    if keep is not None:
        mutated = mutated[: body + keep]
    path = folder / "mutated.dcm"
    path.write_bytes(bytes(mutated))
    assoc = _association(door).associate("127.0.0.1", door.dicom_port, ae_title=door.ae_title)
    assert assoc.is_established
    status = assoc.send_c_store(path)
    if assoc.is_established:
        assoc.release()
    return int(status.Status) if status and "Status" in status else None


def _assert_storage_matches_rows(door: Settings, session: Session) -> None:
    rows = set(session.scalars(select(Instance.storage_path)))
    files = {
        path.relative_to(door.storage_dir).as_posix()
        for path in door.storage_dir.rglob("*.dcm")
        if INCOMING not in path.parts
    }
    assert files == rows
    assert list(storage_of(door).spool_dir.iterdir()) == []


def _exchange(port: int, payload: bytes) -> bytes:
    """Send raw bytes, then read what comes back until the listener answers or hangs up."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as connection:
        try:
            connection.sendall(payload)
            connection.shutdown(socket.SHUT_WR)
            return connection.recv(6)
        except (ConnectionResetError, BrokenPipeError, TimeoutError):
            return b""


def test_malformed_pdus_are_refused_and_the_listener_keeps_serving(door: Settings) -> None:
    valid = associate_rq(door.ae_title, "FUZZER")
    pdus = st.one_of(
        st.binary(max_size=300),
        st.builds(lambda tail: valid + tail, st.binary(min_size=1, max_size=300)),
        st.builds(
            lambda changes, keep: _mutate(valid, changes)[:keep],
            mutations,
            st.integers(1, len(valid)),
        ),
    )
    answers: list[bytes] = []

    @settings(FUZZ, max_examples=PDUS)
    @given(payload=pdus)
    def send_one(payload: bytes) -> None:
        answers.append(_exchange(door.dicom_port, payload))

    send_one()
    assert len(answers) == PDUS
    assert {answer[0] for answer in answers if answer} <= PDU_ANSWERS
    assert _still_serving(door)


def _mutate(data: bytes, changes: list[tuple[int, int]]) -> bytes:
    mutated = bytearray(data)
    for position, value in changes:
        mutated[position % len(data)] = value
    return bytes(mutated)
