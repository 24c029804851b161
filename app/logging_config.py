"""Logging set up once per process: JSON lines in production, readable lines in a terminal."""

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any

import hl7.util

_STANDARD_ATTRS = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """One JSON object per record; `extra=` fields become top-level keys."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": record.getMessage(),
        }
        entry.update(_extra_fields(record))
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


class ConsoleFormatter(logging.Formatter):
    """`time level logger: event key=value ...` for a person at a terminal."""

    def format(self, record: logging.LogRecord) -> str:
        time = datetime.fromtimestamp(record.created).strftime("%H:%M:%S")
        fields = " ".join(f"{key}={value}" for key, value in _extra_fields(record).items())
        line = f"{time} {record.levelname:<7} {record.name}: {record.getMessage()}"
        line = f"{line} {fields}" if fields else line
        if record.exc_info:
            line = f"{line}\n{self.formatException(record.exc_info)}"
        return line


def _extra_fields(record: logging.LogRecord) -> dict[str, Any]:
    return {k: v for k, v in record.__dict__.items() if k not in _STANDARD_ATTRS}


def configure_logging(level: str = "INFO", log_format: str = "auto") -> None:
    use_json = log_format == "json" or (log_format == "auto" and not sys.stderr.isatty())
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if use_json else ConsoleFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for noisy in ("pgserver", "pynetdicom", "uvicorn.access"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    # python-hl7 logs the whole field (patient data) when it meets a character set switch it does
    # not implement; the message is read all the same. Its logger is named after its file's path.
    logging.getLogger(hl7.util.__file__).setLevel(logging.ERROR)
    # Alembic narrates every start at INFO, even when it has nothing to run.
    alembic = logging.NOTSET if level.upper() == "DEBUG" else logging.WARNING
    logging.getLogger("alembic").setLevel(alembic)
