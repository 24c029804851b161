"""DCMTK storescu senders whose every answer is read back from their verbose output."""

import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from tests.support.dcmtk import dcmtk_tool

_SENDING = "Sending file: "
_SUCCESS = "Received Store Response (Success)"
_PUSH_TIMEOUT = 180


@dataclass
class Push:
    """What storescu senders were told: each file sent, and the SOP Instance UIDs acknowledged
    with success (files are named after their SOP Instance UID)."""

    sent: list[Path] = field(default_factory=list)
    acknowledged: set[str] = field(default_factory=set)
    senders: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def finished(self) -> bool:
        return all(sender.poll() is not None for sender in self.senders)


def storescu_command(folder: Path, port: int, called_ae: str) -> list[str]:
    return [
        dcmtk_tool("storescu"),
        "-v",
        "-aet",
        "MODALITY",
        "-aec",
        called_ae,
        "+sd",
        "+r",
        "127.0.0.1",
        str(port),
        str(folder),
    ]


@contextmanager
def pushing(folders: list[Path], port: int, called_ae: str, log_dir: Path) -> Iterator[Push]:
    """One storescu per folder, all at once; on leaving, waits for them and reads their logs."""
    log_dir.mkdir(parents=True, exist_ok=True)
    logs = [log_dir / f"storescu-{n}-{os.getpid()}.log" for n in range(len(folders))]
    push = Push()
    senders = push.senders
    for folder, log in zip(folders, logs, strict=True):
        with log.open("w") as output:
            senders.append(
                subprocess.Popen(
                    storescu_command(folder, port, called_ae),
                    stdout=output,
                    stderr=subprocess.STDOUT,
                    env={**os.environ, "TCP_NODELAY": "1"},
                )
            )
    try:
        yield push
    finally:
        for sender in senders:
            try:
                sender.wait(_PUSH_TIMEOUT)
            except subprocess.TimeoutExpired:
                sender.kill()
                sender.wait()
    for log in logs:
        _read_answers(log.read_text(errors="replace"), push)


def _read_answers(output: str, push: Push) -> None:
    """Each answer follows the "Sending file" line of the file it answers."""
    current: Path | None = None
    for line in output.splitlines():
        if _SENDING in line:
            current = Path(line.split(_SENDING, 1)[1].strip())
            push.sent.append(current)
        elif _SUCCESS in line and current is not None:
            push.acknowledged.add(current.stem)
            current = None
