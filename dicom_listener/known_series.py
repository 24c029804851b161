"""What this process remembers to keep the hot path short: recorded series, recent touches.

It also notes what each instance adds to its series' header (DESIGN.md: a series is classified
from all its instances): a first orientation, new image types, a smaller partition step, and the
first image of a series whose header came from an object without images (a Philips private
object sent first), whose whole header then speaks for the series. Positions are placed only
for a series whose plane they can decide (a 3D acquisition without SliceThickness or
SpacingBetweenSlices): for every other series they would cost time on each instance and change
nothing.

Only an optimisation: a miss costs one extra statement, and a stale entry (its rows deleted) is
forgotten on the first database error it causes. Replicas need not agree on it.
"""

import bisect
import threading
import time
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from app.classification.plane import positions_can_decide_partition
from app.classification.series_geometry import distance_along, slice_normal, step_between
from app.classification.series_header import SeriesHeader
from app.classification.sop_classes import is_image_storage
from app.studies.records import IdentifiedInstance, SeriesHeaderUpdate, SeriesKey

SeriesUids = tuple[str, str]
Orientation = tuple[float, ...]
# Enough places to find a series' partition step; more would only cost memory.
PLACES_KEPT = 2048


@dataclass
class _Entry:
    key: SeriesKey
    orientations: set[Orientation]
    orientation: Orientation | None
    image_type: set[str]
    holds_images: bool = True
    places_needed: bool = True
    places: list[tuple[int, float]] = field(default_factory=list)
    step: float | None = None
    normal: Orientation | None = None

    def place(self, number: int | None, position: Orientation | None) -> float | None:
        """Place an instance along the slice normal; the smaller partition step it shows."""
        if not self.places_needed or self.orientation is None:
            return None
        if number is None or position is None:
            return None
        if len(self.places) >= PLACES_KEPT:
            return None
        if self.normal is None:
            self.normal = slice_normal(self.orientation)
        here = (number, distance_along(self.normal, position))
        index = bisect.bisect(self.places, here)
        neighbours = [*self.places[max(index - 1, 0) : index], *self.places[index : index + 1]]
        self.places.insert(index, here)
        steps = [step_between(*sorted((here, other))) for other in neighbours]
        smallest = min((step for step in steps if step is not None), default=None)
        if smallest is None or (self.step is not None and smallest >= self.step):
            return None
        self.step = smallest
        return smallest


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

    def remember(
        self,
        uids: SeriesUids,
        key: SeriesKey,
        first: IdentifiedInstance,
        header: Mapping[str, Any] | None = None,
    ) -> None:
        """Remember a recorded series with what its header took from its first instance
        (`header`: the series' header as recorded, when this process recorded it)."""
        with self._lock:
            if uids not in self._entries:
                orientation = first.orientation
                entry = _Entry(key, {orientation} if orientation else set(), orientation, set())
                entry.image_type.update(first.image_type)
                if header is not None:
                    entry.holds_images = is_image_storage(first.instance.sop_class_uid)
                    entry.places_needed = _positions_needed(header)
                entry.place(first.instance.instance_number, first.position)
                self._entries[uids] = entry
            if len(self._entries) > self._capacity:
                self._entries.popitem(last=False)

    def note_instance(
        self, uids: SeriesUids, instance: IdentifiedInstance
    ) -> SeriesHeaderUpdate | None:
        """What this instance adds to its series' header, when it adds anything."""
        with self._lock:
            entry = self._entries.get(uids)
            if entry is None:
                return None
            orientation, planes = instance.orientation, None
            if orientation is not None and orientation not in entry.orientations:
                entry.orientations.add(orientation)
                planes = len(entry.orientations) if len(entry.orientations) > 1 else None
            first_orientation = orientation if entry.orientation is None else None
            entry.orientation = entry.orientation or orientation
            new_types = tuple(t for t in instance.image_type if t not in entry.image_type)
            entry.image_type.update(new_types)
            step = entry.place(instance.instance.instance_number, instance.position)
            first_image = not entry.holds_images and is_image_storage(
                instance.instance.sop_class_uid
            )
            entry.holds_images = entry.holds_images or first_image
        news = (planes, first_orientation, step)
        if not (first_image or new_types) and all(item is None for item in news):
            return None
        return SeriesHeaderUpdate(planes, first_orientation, new_types, step, first_image)

    def header_replaced(self, uids: SeriesUids, header: Mapping[str, Any]) -> None:
        """The series' header now comes from `header`: whether positions matter is its say."""
        with self._lock:
            entry = self._entries.get(uids)
            if entry is not None:
                entry.places_needed = _positions_needed(header)

    def forget(self, uids: SeriesUids) -> None:
        with self._lock:
            self._entries.pop(uids, None)


def _positions_needed(header: Mapping[str, Any]) -> bool:
    return positions_can_decide_partition(SeriesHeader.from_json(header))


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
