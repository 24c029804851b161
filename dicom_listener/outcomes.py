"""What filing an instance comes to: the DICOM status answered, and each association's or
request's tally of what it brought, written to the audit trail at its end."""

import errno
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from sqlalchemy.exc import SQLAlchemyError

from app.studies.records import IdentifiedInstance
from dicom_listener import metrics
from dicom_listener.dimse import Status

logger = logging.getLogger(__name__)

SUCCESS = 0x0000
OUT_OF_RESOURCES = 0xA700
CANNOT_UNDERSTAND = 0xC000
CANNOT_UNDERSTAND_IDENTIFIERS = 0xC001


@dataclass(frozen=True)
class Filing:
    """An instance's outcome: its status, and what it is when it could be identified."""

    status: Status
    identified: IdentifiedInstance | None = None


# An instance whose study is not the one its request names (STOW-RS to one study).
OTHER_STUDY = 0x0110


@dataclass
class AssociationTally:
    stored: int = 0
    duplicates: int = 0
    failed: int = 0
    bytes: int = 0
    # Failed instances by the status answered ("0xA700": 2), summed on the ingest dashboard.
    failures: dict[str, int] = field(default_factory=dict)


def kind_of_error(error: OSError | SQLAlchemyError) -> str:
    """What went wrong, without the message: a database error's detail can quote a header value."""
    if isinstance(error, OSError):
        return f"{type(error).__name__} {errno.errorcode.get(error.errno or 0, error.errno)}"
    cause = getattr(error, "orig", None)
    return type(error).__name__ + (f" ({type(cause).__name__})" if cause is not None else "")


def deferred(sop_instance_uid: str, error: OSError | SQLAlchemyError) -> Status:
    logger.warning(
        "C-STORE deferred: storage or database unavailable",
        extra={"sop_instance_uid": sop_instance_uid, "error": kind_of_error(error)},
    )
    return Status(OUT_OF_RESOURCES, "storage or database unavailable, retry later")


def counted_failure(status: Status, tally: AssociationTally) -> Status:
    if status.code != SUCCESS:
        label = f"0x{status.code:04X}"
        tally.failed += 1
        tally.failures[label] = tally.failures.get(label, 0) + 1
        metrics.FAILURES.labels(status=label).inc()
    return status


Result = TypeVar("Result")


def guarded(step: Callable[[], Result]) -> Result | Filing:
    """The step's outcome, or an instance's failure when it fails unexpectedly: no exception
    leaves the listener's filing."""
    try:
        return step()
    except Exception:
        logger.exception("storing an instance failed unexpectedly")
        return Filing(Status(OUT_OF_RESOURCES, "internal error"))


def statuses_of(filed: list[Status] | Filing, count: int) -> list[Status]:
    """A series' statuses, or the one failure of its whole step for each of its instances."""
    return filed if isinstance(filed, list) else [filed.status] * count
