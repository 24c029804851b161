import json
import logging

import pytest

from app.hl7.er7 import STANDARD_ENCODING
from app.logging_config import ConsoleFormatter, JsonFormatter, configure_logging


def _record(**extra: object) -> logging.LogRecord:
    record = logging.makeLogRecord({"name": "app.test", "levelname": "INFO", "msg": "stored"})
    record.__dict__.update(extra)
    return record


def test_json_lines_carry_extra_fields_at_top_level() -> None:
    line = JsonFormatter().format(_record(sop_instance_uid="1.2.3", status=0))
    entry = json.loads(line)
    assert entry["event"] == "stored"
    assert entry["sop_instance_uid"] == "1.2.3"
    assert entry["status"] == 0
    assert entry["level"] == "info"


def test_console_lines_are_readable() -> None:
    line = ConsoleFormatter().format(_record(task_id=7))
    assert "app.test: stored task_id=7" in line


class _Kept(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.mark.filterwarnings("ignore:The 'warn' method is deprecated:DeprecationWarning")
def test_python_hl7_does_not_write_patient_data_into_the_log() -> None:
    handler = _Kept()
    configure_logging("INFO", "json")
    logging.getLogger().addHandler(handler)
    try:
        # An inline character set switch python-hl7 does not implement, in a patient's name.
        name = STANDARD_ENCODING.unescape("ROSSI\\C2842\\ANNA")
    finally:
        logging.getLogger().removeHandler(handler)
        configure_logging("INFO", "auto")

    assert name.startswith("ROSSI")
    assert not [record for record in handler.records if "ROSSI" in record.getMessage()]
