"""The quarantine: datasets refused at ingest, each kept beside the reason it was refused, listed
for an admin who may re-ingest or delete them."""

import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from app.errors import NotFound
from app.storage.objects import ObjectArea

REASON_SUFFIX = ".reason.txt"
# `<UTC time>-<random>.dcm`: the only names the quarantine makes, and so the only ones accepted.
NAME = re.compile(r"\d{8}T\d{6}-[0-9a-f]{12}\.dcm")


@dataclass(frozen=True)
class Quarantined:
    name: str
    reason: str
    size: int
    quarantined_at: datetime


def quarantine(area: ObjectArea, received: Path, reason: str) -> str:
    """Keep a refused dataset's bytes and why; the name it is kept under."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    name = f"{stamp}-{uuid.uuid4().hex[:12]}.dcm"
    area.put_new(received, name)
    area.put_text(_reason_key(name), reason + "\n")
    return name


def quarantined(area: ObjectArea) -> list[Quarantined]:
    """Every quarantined dataset, newest first."""
    kept = [stored for stored in area.objects() if NAME.fullmatch(stored.key)]
    listed = [
        Quarantined(stored.key, _reason(area, stored.key), stored.size, stored.modified)
        for stored in kept
    ]
    return sorted(listed, key=lambda entry: entry.name, reverse=True)


def checked_name(area: ObjectArea, name: str) -> str:
    """`name` if it is a quarantined dataset's; NotFound otherwise (never a path elsewhere)."""
    if NAME.fullmatch(name) and any(stored.key == name for stored in area.objects()):
        return name
    raise NotFound(f"no quarantined dataset named {name!r}")


def release(area: ObjectArea, name: str) -> None:
    """Take the dataset and its reason out of the quarantine."""
    area.remove(name)
    area.remove(_reason_key(name))


def _reason(area: ObjectArea, name: str) -> str:
    try:
        return area.read_text(_reason_key(name)).strip()
    except FileNotFoundError:
        return "(no reason kept)"


def _reason_key(name: str) -> str:
    return name.removesuffix(".dcm") + REASON_SUFFIX
