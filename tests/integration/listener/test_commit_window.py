"""The database connection drops after an instance's row committed but before the listener saw
the commit: the retry finds the row, and the file the row points at stays."""

import threading
from pathlib import Path

from pydicom.uid import ExplicitVRLittleEndian
from pynetdicom import AE
from pynetdicom.sop_class import MRImageStorage  # type: ignore[attr-defined]
from sqlalchemy import select

from app.db.session import session_scope
from app.settings import Settings
from app.studies.models import Instance
from dicom_listener.samples import CERVICAL_SPINE_MR, study_datasets, write_datasets
from dicom_listener.server import start_acceptor
from tests.support.commit_window import commits_hang, terminate_commit_waiters


def test_a_commit_whose_answer_is_lost_keeps_the_file_it_acknowledged(
    own_database: tuple[Path, str], listener_settings: Settings, tmp_path: Path
) -> None:
    _, url = own_database
    first, second = write_datasets(study_datasets(CERVICAL_SPINE_MR), tmp_path / "study")[:2]
    server = start_acceptor(listener_settings, url)
    try:
        ae = AE(ae_title="MODALITY")
        ae.add_requested_context(MRImageStorage, ExplicitVRLittleEndian)
        assoc = ae.associate("127.0.0.1", listener_settings.dicom_port, ae_title="WORKLIST")
        assert assoc.send_c_store(first).Status == 0x0000
        answers: list[int] = []
        with commits_hang(url):
            sending = threading.Thread(
                target=lambda: answers.append(assoc.send_c_store(second).Status)
            )
            sending.start()
            assert terminate_commit_waiters(url, timeout=20) == 1
            sending.join(30)
        assoc.release()
    finally:
        server.shutdown()

    with session_scope(url) as session:
        paths = list(session.scalars(select(Instance.storage_path)))
    assert answers == [0x0000]
    assert len(paths) == 2
    assert all((listener_settings.storage_dir / path).is_file() for path in paths)
