"""What this process remembers to keep the hot path short: recorded series, recent touches.

Only an optimisation: a miss costs one extra statement, and a stale entry (its rows deleted) is
forgotten on the first database error it causes. Replicas need not agree on it.
"""

import threading
import time
from collections import OrderedDict

from app.studies.records import SeriesKey

SeriesUids = tuple[str, str]


class KnownSeries:
    def __init__(self, capacity: int = 10_000) -> None:
        self._capacity = capacity
        self._entries: OrderedDict[SeriesUids, SeriesKey] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, uids: SeriesUids) -> SeriesKey | None:
        with self._lock:
            return self._entries.get(uids)

    def remember(self, uids: SeriesUids, key: SeriesKey) -> None:
        with self._lock:
            self._entries[uids] = key
            if len(self._entries) > self._capacity:
                self._entries.popitem(last=False)

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
