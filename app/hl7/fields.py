"""Reading values made of several components out of a segment: names and locations."""

from app.hl7.er7 import Segment


def person_name(segment: Segment, field: int, first_component: int = 1) -> str:
    """A name (XPN, or XCN from `first_component` 2) as "Family^Given", the way DICOM writes it."""
    family = segment.value(field, first_component)
    given = segment.value(field, first_component + 1)
    return f"{family}^{given}" if given else family


def joined(segment: Segment, field: int, components: range, separator: str) -> str:
    parts = [segment.value(field, component) for component in components]
    return separator.join(part for part in parts if part)


def each_repetition(segment: Segment, field: int) -> range:
    """The numbers of the field's repetitions (none when absent)."""
    return range(1, segment.repetitions(field) + 1)
