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


def distance_along(normal: Vector, position: Vector) -> float:
    """How far a position lies along the slice normal."""
    return sum(n * p for n, p in zip(normal, position, strict=True))


def step_between(earlier: tuple[int, float], later: tuple[int, float]) -> float | None:
    """The step per instance between two (instance number, distance) places, if they differ."""
    numbers, distance = later[0] - earlier[0], abs(later[1] - earlier[1])
    return round(distance / numbers, 3) if numbers > 0 and distance > SAME_SLICE_MM else None


def partition_step(orientation: Vector, instances: Iterable[InstanceGeometry]) -> float | None:
    """The smallest step along the slice normal between instances, per instance number.

    Consecutive instances of a full series give the partition spacing; instances far apart in
    numbering (a sample of a series) give their distance divided by how many lie between.
    """
    normal = slice_normal(orientation)
    placed = sorted(
        (instance.number, distance_along(normal, instance.position))
        for instance in instances
        if instance.number is not None and instance.position is not None
    )
    steps = [step_between(*pair) for pair in zip(placed, placed[1:], strict=False)]
    return min((step for step in steps if step is not None), default=None)
