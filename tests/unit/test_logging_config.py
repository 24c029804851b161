import json
import logging

from app.logging_config import ConsoleFormatter, JsonFormatter


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
