"""A C-STORE SCU for operators: send files and folders to a DICOM node, count the statuses."""

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from pydicom import dcmread
from pydicom.errors import InvalidDicomError
from pynetdicom import AE, _config

MAX_CONTEXTS = 128  # the most presentation contexts one association may propose
NOT_SENT = "not sent"


@dataclass(frozen=True)
class Destination:
    host: str
    port: int
    called_ae: str
    calling_ae: str = "WORKLIST-SCU"


def dicom_files(paths: Iterable[Path]) -> Iterator[Path]:
    """The files named, and every file under the folders named, in a stable order."""
    for path in paths:
        if path.is_dir():
            yield from sorted(child for child in path.rglob("*") if child.is_file())
        else:
            yield path


def send_files(
    files: list[Path], destination: Destination, on_sent: Callable[[Path, str], None] | None = None
) -> Counter[str]:
    """Send every file; the result counts the statuses (`0x0000`, `0xA700`, `not sent`, ...)."""
    statuses: Counter[str] = Counter()
    contexts = _contexts_of(files, statuses)
    # Stream large files instead of loading them; pynetdicom's switch is global, so restore it.
    chunked, _config.STORE_SEND_CHUNKED_DATASET = _config.STORE_SEND_CHUNKED_DATASET, True
    try:
        for batch in _batches_by_context(contexts):
            statuses.update(_send_batch(batch, destination, on_sent))
    finally:
        _config.STORE_SEND_CHUNKED_DATASET = chunked
    return statuses


def _contexts_of(files: list[Path], statuses: Counter[str]) -> dict[Path, tuple[str, str]]:
    """(SOP class, transfer syntax) of each readable DICOM file; the others count as not sent."""
    contexts = {}
    for path in files:
        try:
            meta = dcmread(path, stop_before_pixels=True, specific_tags=["SOPClassUID"])
            contexts[path] = (str(meta.SOPClassUID), str(meta.file_meta.TransferSyntaxUID))
        except (InvalidDicomError, AttributeError, OSError, ValueError):
            statuses["not DICOM"] += 1
    return contexts


def _batches_by_context(
    contexts: dict[Path, tuple[str, str]],
) -> Iterator[dict[Path, tuple[str, str]]]:
    """Groups of files needing at most MAX_CONTEXTS presentation contexts each."""
    batch: dict[Path, tuple[str, str]] = {}
    for path, context in contexts.items():
        if context not in batch.values() and len(set(batch.values())) == MAX_CONTEXTS:
            yield batch
            batch = {}
        batch[path] = context
    if batch:
        yield batch


def _send_batch(
    batch: dict[Path, tuple[str, str]],
    destination: Destination,
    on_sent: Callable[[Path, str], None] | None,
) -> Counter[str]:
    ae = AE(ae_title=destination.calling_ae)
    for sop_class, transfer_syntax in set(batch.values()):
        ae.add_requested_context(sop_class, transfer_syntax)
    statuses: Counter[str] = Counter()
    assoc = ae.associate(destination.host, destination.port, ae_title=destination.called_ae)
    if not assoc.is_established:
        statuses[NOT_SENT] += len(batch)
        return statuses
    try:
        for path in batch:
            answer = assoc.send_c_store(path) if assoc.is_established else None
            status = f"0x{answer.Status:04X}" if answer and "Status" in answer else NOT_SENT
            statuses[status] += 1
            if on_sent:
                on_sent(path, status)
    finally:
        if assoc.is_established:
            assoc.release()
    return statuses
