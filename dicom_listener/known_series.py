"""What this process remembers to keep the hot path short: recorded series, recent touches.

Only an optimisation: a miss costs one extra statement, and a stale entry (its rows deleted) is
forgotten on the first database error it causes. Replicas need not agree on it.
"""

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

from app.studies.records import SeriesKey

SeriesUids = tuple[str, str]
Orientation = tuple[float, ...]


@dataclass
class _Entry:
    key: SeriesKey
    orientations: set[Orientation]


class KnownSeries:
    def __init__(self, capacity: int = 10_000, first_instance_locks: int = 64) -> None:
        self._capacity = capacity
        self._entries: OrderedDict[SeriesUids, _Entry] = OrderedDict()
        self._lock = threading.Lock()
        self._first_instance_locks = [threading.Lock() for _ in range(first_instance_locks)]

    def get(self, uids: SeriesUids) -> SeriesKey | None:
        with self._lock:
            entry = self._entries.get(uids)
            return entry.key if entry else None

    def first_instance_lock(self, uids: SeriesUids) -> threading.Lock:
        """Held while the first instance of a series is recorded. Series share a few locks:
        two new series rarely meet on one, and then only wait a transaction for each other."""
        return self._first_instance_locks[hash(uids) % len(self._first_instance_locks)]

    def remember(self, uids: SeriesUids, key: SeriesKey, orientation: Orientation | None) -> None:
        with self._lock:
            if uids not in self._entries:
                self._entries[uids] = _Entry(key, {orientation} if orientation else set())
            if len(self._entries) > self._capacity:
                self._entries.popitem(last=False)

    def note_orientation(self, uids: SeriesUids, orientation: Orientation | None) -> int | None:
        """How many distinct orientations the series now shows, when this one is new to it."""
        with self._lock:
            entry = self._entries.get(uids)
            if entry is None or orientation is None or orientation in entry.orientations:
                return None
            entry.orientations.add(orientation)
            return len(entry.orientations)

    def forget(self, uids: SeriesUids) -> None:
        with self._lock:
            self._entries.pop(uids, None)


class TouchSchedule:
    """When this process last brought each study's counts and reception time up to date."""

    def __init__(self, interval: float, capacity: int = 10_000) -> None:
        self._interval = interval
        self._capacity = capacity
        self._last: OrderedDict[int, float] = OrderedDict()
        self._lock = threading.Lock()

    def due(self, study_id: int) -> bool:
        """True (and noted) when the study was not touched within the interval."""
        now = time.monotonic()
        with self._lock:
            last = self._last.get(study_id)
            if last is not None and now - last < self._interval:
                return False
            self._last[study_id] = now
            self._last.move_to_end(study_id)
            if len(self._last) > self._capacity:
                self._last.popitem(last=False)
            return True
