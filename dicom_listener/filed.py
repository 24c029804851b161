"""The one place a stored instance's file is removed: only when no row points at it."""

import logging

from app.db.single_statement import run_single_statement
from app.storage.objects import ObjectArea
from app.studies.service import storage_path_of_instance

logger = logging.getLogger(__name__)


def remove_unless_recorded(
    database_url: str, instances: ObjectArea, relative: str, sop_instance_uid: str
) -> bool:
    """Remove the file just stored at `relative` unless a row points at it; True if removed.

    A row pointing there is this instance's own: committed by an attempt whose answer the
    connection lost, or recorded before its file went missing. A row pointing elsewhere is the
    same SOP Instance UID under other study or series UIDs: the original stays the only copy,
    and as the UID is unique, no row can point at the file removed. Asked only when the insert
    found the UID known, so storing a new instance never pays for it.
    """
    recorded = run_single_statement(
        database_url, lambda db: storage_path_of_instance(db, sop_instance_uid)
    )
    if recorded == relative:
        logger.warning(
            "instance already recorded at this path: its file is kept",
            extra={"sop_instance_uid": sop_instance_uid},
        )
        return False
    instances.remove(relative)
    return True
