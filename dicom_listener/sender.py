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
# Associations tried for one batch's files: the first, and one for the files it left unanswered.
ASSOCIATIONS_PER_BATCH = 2


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
    """Send the batch; files an association left unanswered go once more on a new one.

    pynetdicom's association may hand a C-STORE answer to its own reactor thread rather than
    the send waiting for it ("Received unexpected C-STORE service message"): the send then waits
    out the DIMSE timeout and aborts, with the rest of the batch unsent. A C-STORE sent again
    is harmless (the instance is stored once), so what was not answered is sent again. An
    association refused or rejected is an answer: it is not asked again.
    """
    statuses: Counter[str] = Counter()
    unanswered = list(batch)
    for _ in range(ASSOCIATIONS_PER_BATCH):
        established, unanswered = _send_over_one_association(
            unanswered, batch, destination, on_sent, statuses
        )
        if not (established and unanswered):
            break
    for path in unanswered:
        statuses[NOT_SENT] += 1
        if on_sent:
            on_sent(path, NOT_SENT)
    return statuses


def _send_over_one_association(
    paths: list[Path],
    batch: dict[Path, tuple[str, str]],
    destination: Destination,
    on_sent: Callable[[Path, str], None] | None,
    statuses: Counter[str],
) -> tuple[bool, list[Path]]:
    """Send `paths` in order over one association: whether it was established, and the files
    left unanswered when it ended."""
    ae = AE(ae_title=destination.calling_ae)
    for sop_class, transfer_syntax in {batch[path] for path in paths}:
        ae.add_requested_context(sop_class, transfer_syntax)
    assoc = ae.associate(destination.host, destination.port, ae_title=destination.called_ae)
    if not assoc.is_established:
        return False, paths
    try:
        for position, path in enumerate(paths):
            answer = assoc.send_c_store(path) if assoc.is_established else None
            if answer is None or "Status" not in answer:
                return True, paths[position:]
            status = f"0x{answer.Status:04X}"
            statuses[status] += 1
            if on_sent:
                on_sent(path, status)
        return True, []
    finally:
        if assoc.is_established:
            assoc.release()
