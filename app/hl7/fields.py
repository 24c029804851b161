"""Reading fields out of python-hl7's parse tree: unescaped text, empty when absent."""

from collections.abc import Iterator

import hl7


def value(segment: hl7.Segment | None, field: int, component: int = 1, repeat: int = 1) -> str:
    """One component of one repetition, unescaped and stripped; "" when absent."""
    if segment is None:
        return ""
    try:
        text = segment.extract_field(1, field, repeat, component, 1)
    except (IndexError, KeyError):
        return ""
    # A line break escaped as \.br\ unescapes to a carriage return: keep it a line break.
    return str(text).replace("\r", "\n").strip()


def repetitions(segment: hl7.Segment | None, field: int) -> int:
    """How many repetitions the field has (0 when absent)."""
    if segment is None or field >= len(segment):
        return 0
    content = segment(field)
    return len(content) if isinstance(content, hl7.Field) else int(bool(content))


def each_repetition(segment: hl7.Segment | None, field: int) -> Iterator[int]:
    yield from range(1, repetitions(segment, field) + 1)


def person_name(segment: hl7.Segment | None, field: int, first_component: int = 1) -> str:
    """A name (XPN, or XCN from `first_component` 2) as "Family^Given", the way DICOM writes it."""
    family = value(segment, field, first_component)
    given = value(segment, field, first_component + 1)
    return f"{family}^{given}" if given else family


def joined(segment: hl7.Segment | None, field: int, components: range, separator: str) -> str:
    parts = [value(segment, field, component) for component in components]
    return separator.join(part for part in parts if part)
