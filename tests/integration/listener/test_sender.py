"""The operators' C-STORE sender against a pynetdicom SCP: files an association left unanswered
go once more on a new association, and only what two could not send counts as not sent."""

import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import cast

from pydicom import Dataset
from pynetdicom import AE, evt
from pynetdicom.dimse_primitives import C_STORE
from pynetdicom.events import Event
from pynetdicom.sop_class import MRImageStorage  # type: ignore[attr-defined]

from dicom_listener.samples import KNEE_MR, study_datasets, write_datasets
from dicom_listener.sender import NOT_SENT, Destination, send_files
from tests.support.network import free_port


class Peer:
    """An SCP that aborts the association taking the `abort_at`-th C-STORE (counting from 1)."""

    def __init__(self, abort_at: int | None) -> None:
        self.abort_at = abort_at
        self.stored: list[str] = []
        self.associations: set[int] = set()
        self._lock = threading.Lock()

    def on_store(self, event: Event) -> int | Dataset:
        with self._lock:
            self.associations.add(id(event.assoc))
            if len(self.stored) + 1 == self.abort_at:
                self.abort_at = None
                event.assoc.abort()
                return 0xA700
            self.stored.append(str(cast(C_STORE, event.request).AffectedSOPInstanceUID))
        return 0x0000


@contextmanager
def peer_on(port: int, peer: Peer) -> Iterator[None]:
    ae = AE(ae_title="PEER")
    ae.add_supported_context(MRImageStorage, ["1.2.840.10008.1.2.1", "1.2.840.10008.1.2"])
    server = ae.start_server(
        ("127.0.0.1", port), block=False, evt_handlers=[(evt.EVT_C_STORE, peer.on_store)]
    )
    assert server is not None  # not blocking: the server is returned
    try:
        yield
    finally:
        server.shutdown()


def _files(tmp_path: Path, count: int) -> list[Path]:
    datasets = [dataset for dataset, _ in zip(study_datasets(KNEE_MR), range(count), strict=False)]
    return write_datasets(iter(datasets), tmp_path / "study")


def test_files_an_aborted_association_left_go_on_a_new_one(tmp_path: Path) -> None:
    files, port = _files(tmp_path, 8), free_port()
    peer, reported = Peer(abort_at=4), Counter[str]()

    with peer_on(port, peer):
        statuses = send_files(
            files,
            Destination("127.0.0.1", port, "PEER", "MODALITY"),
            on_sent=lambda path, status: reported.update([status]),
        )

    assert statuses == reported == Counter({"0x0000": 8})
    assert len(peer.stored) == len(set(peer.stored)) == 8
    assert len(peer.associations) == 2


def test_files_no_association_takes_are_not_sent(tmp_path: Path) -> None:
    files = _files(tmp_path, 3)
    nobody = Destination("127.0.0.1", free_port(), "PEER", "MODALITY")

    assert send_files(files, nobody) == Counter({NOT_SENT: 3})
