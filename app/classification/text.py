"""Small text helpers shared by the classifiers: normalising descriptions, matching term tables."""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

_SEPARATORS = re.compile(r"[_\-/.,;:()\[\]{}<>=|]+")
_SPACES = re.compile(r"\s+")
# "+C", "C+", "+Gd", "w/ gad" are how technologists write "post-contrast" in a description.
_POST_SHORTHAND = re.compile(r"\+\s*(c|gd|gad|contrast)\b|\bc\s*\+|\+$|\+\s")


def normalise(*parts: str) -> str:
    """Lower-case, turn separators into spaces, spell out "+C" as "post"."""
    text = " ".join(part for part in parts if part).lower()
    text = _POST_SHORTHAND.sub(" post ", text)
    text = _SEPARATORS.sub(" ", text)
    return " " + _SPACES.sub(" ", text).strip() + " "


@dataclass(frozen=True, slots=True)
class Term:
    """One pattern in a term table, the label it points to, and how to say it."""

    label: str
    pattern: re.Pattern[str]
    words: str


def terms(table: Iterable[tuple[str, str, str]]) -> tuple[Term, ...]:
    """Compile `(label, regex, words)` rows into a term table."""
    return tuple(Term(label, re.compile(regex), words) for label, regex, words in table)


def first_match(table: Sequence[Term], text: str) -> Term | None:
    """The first row of the table whose pattern occurs in the text."""
    for term in table:
        if term.pattern.search(text):
            return term
    return None


def all_matches(table: Sequence[Term], text: str) -> list[Term]:
    """Every row of the table whose pattern occurs in the text, in table order."""
    return [term for term in table if term.pattern.search(text)]
