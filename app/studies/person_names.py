"""How a DICOM person name (PN) is shown to a reader: `ROSSI^ANNA` is written `ROSSI, ANNA`.

A PN holds up to three component groups separated by `=`: alphabetic, ideographic and
phonetic; each group up to five components separated by `^`: family, given, middle, prefix
and suffix. The letters keep the case they were stored in.
"""

# What a page shows, and an API answer carries as the shown form, for a study without a name.
NO_NAME = "(no name)"

COMPONENTS = 5  # family, given, middle, prefix, suffix
GROUPS = 3  # alphabetic, ideographic, phonetic


def display_name(value: str | None) -> str:
    """The alphabetic group family first, as a list read by family name writes it
    (`DOE, Dr. JOHN Q, Jr.`); without one, the ideographic (else phonetic) group in the order
    its script writes names (`山田 太郎`); `(no name)` when there is none."""
    alphabetic, *others = [_components(group) for group in (value or "").split("=")[:GROUPS]]
    if any(alphabetic):
        family, given, middle, prefix, suffix = alphabetic
        return _joined(", ", family, _joined(" ", prefix, given, middle), suffix)
    for group in others:
        if any(group):
            family, given, middle, prefix, suffix = group
            return _joined(" ", prefix, family, given, middle, suffix)
    return NO_NAME


def _components(group: str) -> list[str]:
    """The five components, runs of spaces closed up; any `^` past the fifth stays inside the
    suffix rather than lose what follows it."""
    parts = group.split("^", COMPONENTS - 1)
    return [" ".join(part.split()) for part in parts + [""] * (COMPONENTS - len(parts))]


def _joined(separator: str, *parts: str) -> str:
    return separator.join(part for part in parts if part)
