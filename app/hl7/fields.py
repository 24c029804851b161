"""Reading fields out of a message's segments: unescaped text, empty when absent."""

from collections.abc import Iterator

from app.hl7.er7 import Segment


def value(segment: Segment | None, field: int, component: int = 1, repeat: int = 1) -> str:
    """One component of one repetition, unescaped and stripped; "" when absent."""
    if segment is None:
        return ""
    # A line break escaped as \.br\ unescapes to a carriage return: keep it a line break.
    return segment.value(field, component, repeat).replace("\r", "\n").strip()


def repetitions(segment: Segment | None, field: int) -> int:
    """How many repetitions the field has (0 when absent)."""
    return 0 if segment is None else segment.repetitions(field)


def each_repetition(segment: Segment | None, field: int) -> Iterator[int]:
    yield from range(1, repetitions(segment, field) + 1)


def person_name(segment: Segment | None, field: int, first_component: int = 1) -> str:
    """A name (XPN, or XCN from `first_component` 2) as "Family^Given", the way DICOM writes it."""
    family = value(segment, field, first_component)
    given = value(segment, field, first_component + 1)
    return f"{family}^{given}" if given else family


def joined(segment: Segment | None, field: int, components: range, separator: str) -> str:
    parts = [value(segment, field, component) for component in components]
    return separator.join(part for part in parts if part)
