"""Series this process has already recorded, so their next instances skip the parent upsert.

Only an optimisation: a miss costs one extra statement, and a stale entry (its rows deleted) is
forgotten on the first database error it causes. Replicas need not agree on it.
"""

import threading
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
