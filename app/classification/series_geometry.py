"""Geometry of a series across its instances: orientation, slice normal, partition step.

The first file of a series does not always speak for it: a Philips private object may come
first without ImageOrientationPatient, a dual-echo field map shows its PHASE MAP only on later
instances, and a 3D volume without SliceThickness shows its partitions only in the positions
of its instances (DESIGN.md: a series is classified from all its instances).
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

Vector = tuple[float, ...]
ORIENTATION_DECIMALS = 2
# Positions closer than this along the slice normal are the same slice (another echo, b value…).
SAME_SLICE_MM = 0.01


@dataclass(frozen=True, slots=True)
class InstanceGeometry:
    """What each instance (or frame) adds to its series: where it lies and what it is."""

    number: int | None = None
    orientation: Vector | None = None
    position: Vector | None = None
    image_type: tuple[str, ...] = ()


def rounded_orientation(values: Iterable[str | float]) -> Vector:
    """Image orientation rounded as the classifier counts distinct planes."""
    return tuple(round(float(item), ORIENTATION_DECIMALS) for item in values)


def slice_normal(orientation: Sequence[float]) -> Vector:
    """The cross product of the row and column direction cosines."""
    row, column = orientation[:3], orientation[3:6]
    return (
        row[1] * column[2] - row[2] * column[1],
        row[2] * column[0] - row[0] * column[2],
        row[0] * column[1] - row[1] * column[0],
    )


def partition_step(orientation: Vector, instances: Iterable[InstanceGeometry]) -> float | None:
    """The smallest step along the slice normal between instances, per instance number.

    Consecutive instances of a full series give the partition spacing; instances far apart in
    numbering (a sample of a series) give their distance divided by how many lie between.
    """
    normal = slice_normal(orientation)
    placed = sorted(
        (instance.number, sum(n * p for n, p in zip(normal, instance.position, strict=True)))
        for instance in instances
        if instance.number is not None and instance.position is not None
    )
    steps = [
        abs(after - before) / (later - earlier)
        for (earlier, before), (later, after) in zip(placed, placed[1:], strict=False)
        if later > earlier and abs(after - before) > SAME_SLICE_MM
    ]
    return round(min(steps), 3) if steps else None
