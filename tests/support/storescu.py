"""DCMTK storescu senders whose every answer is read back from their verbose output."""

import os
import subprocess
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from tests.support.dcmtk import dcmtk_tool

_SENDING = "Sending file: "
_ANSWER = "Received Store Response ("
_SUCCESS = "Received Store Response (Success)"
_PUSH_TIMEOUT = 180


@dataclass
class Push:
    """What storescu senders were told: each file sent, and the SOP Instance UIDs acknowledged
    with success (files are named after their SOP Instance UID)."""

    sent: list[Path] = field(default_factory=list)
    acknowledged: set[str] = field(default_factory=set)
    senders: list[subprocess.Popen[bytes]] = field(default_factory=list)
    statuses: Counter[str] = field(default_factory=Counter)  # each answer, as storescu names it

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
    with pushing_each([(folder, port) for folder in folders], called_ae, log_dir) as push:
        yield push


@contextmanager
def pushing_each(targets: list[tuple[Path, int]], called_ae: str, log_dir: Path) -> Iterator[Push]:
    """One storescu per (folder, port), all at once: `pushing` to listeners of their own."""
    log_dir.mkdir(parents=True, exist_ok=True)
    logs = [log_dir / f"storescu-{n}-{os.getpid()}.log" for n in range(len(targets))]
    push = Push()
    senders = push.senders
    for (folder, port), log in zip(targets, logs, strict=True):
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
        if _ANSWER in line:
            push.statuses[line.split(_ANSWER, 1)[1].rstrip(")")] += 1
        if _SUCCESS in line and current is not None:
            push.acknowledged.add(current.stem)
            current = None
