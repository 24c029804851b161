"""The baseline: a bare pynetdicom Storage SCP that writes and fsyncs each file, nothing more.

Usage: python -m bench.ingest_bare_scp PORT FOLDER
"""

import os
import sys
import tempfile
from pathlib import Path

from pynetdicom import AE, ALL_TRANSFER_SYNTAXES, AllStoragePresentationContexts, _config, evt
from pynetdicom.sop_class import Verification  # type: ignore[attr-defined]


def main() -> None:
    port, folder = int(sys.argv[1]), Path(sys.argv[2])
    folder.mkdir(parents=True, exist_ok=True)
    _config.STORE_RECV_CHUNKED_DATASET = True
    tempfile.tempdir = str(folder)

    def on_store(event: evt.Event) -> int:
        received = Path(event.dataset_path)
        descriptor = os.open(received, os.O_RDONLY)
        os.fsync(descriptor)
        os.close(descriptor)
        os.link(received, folder / f"{received.stem}.stored.dcm")
        return 0x0000

    ae = AE(ae_title="BARE")
    ae.add_supported_context(Verification)
    for context in AllStoragePresentationContexts:
        assert context.abstract_syntax is not None
        ae.add_supported_context(context.abstract_syntax, ALL_TRANSFER_SYNTAXES)
    ae.start_server(("127.0.0.1", port), evt_handlers=[(evt.EVT_C_STORE, on_store)])


if __name__ == "__main__":
    main()
