"""HL7 v2 messages in ER7, the pipe-and-hat encoding, read the way python-hl7 reads them.

Why the order path reads fields itself: every order the listener takes is read once and
answered once, and python-hl7's parse tree made that the listener's largest cost. On a 6-segment
ORM^O01 it built some 130 container objects: parsing took 730 us, reading the order through
`extract_field` 414 us, the header 69 us and `create_ack` 209 us, about 1.4 ms of the 3 ms of
CPU each order cost. Here a message is split into segments at CR and each segment into its
fields at MSH-1; a field is split into repetitions, components and subcomponents, with the
encoding characters MSH-2 declares, only when it is first read, and only once. The values are
python-hl7's `extract_field` values, stripped of surrounding whitespace, an escaped line break
read as a line feed: MSH-1 is the field separator and MSH-2 the encoding characters, both as
sent; an absent field, repetition or component reads as "", and so does HL7's null (`""`).

Escape sequences (\\F\\ \\S\\ \\T\\ \\R\\ \\E\\ \\.br\\ \\Xhh\\ ...) stay python-hl7's: a value
holding the escape character is unescaped by python-hl7's own `unescape`, and text is escaped
by its `escape`, on a container that has only these encoding characters. An escape character
that opens no sequence python-hl7 knows (a bare backslash in free text) is read as sent.
python-hl7 also stays the library of the ORU^R01 results and of the outbound MLLP client.
"""

import re
from dataclasses import dataclass
from functools import lru_cache

import hl7

from app.hl7.errors import MessageRejected

SEGMENT_SEPARATOR = "\r"
BATCH_HEADERS = ("FHS", "BHS")
# Not text in HL7 (nor in Postgres, where an order's values go): a message or escape holding one
# is refused whole rather than failing at its commit.
NUL = "\x00"
# HL7's null (v2.5.1 section 2.5.3): the field is sent, and the value the receiver holds for it
# is to be deleted; an empty field leaves that value as it was.
NULL = '""'
# What python-hl7 takes for encoding characters that MSH-2 leaves out, in MSH-2's order.
DEFAULT_ENCODING_CHARACTERS = "^~\\&"
# python-hl7 writes out what a formatting sequence repeats (\.sp2000000000\ as that many line
# breaks): a short message must not cost gigabytes. No form needs more than this.
MOST_REPEATS = 1000
# The escape sequences python-hl7 reads (HL7 v2.5.1 section 2.7): separators, highlighting,
# formatting (a count after it, if any, is python-hl7's to read), hexadecimal bytes, and
# character set switches (which carry no text).
_KNOWN_SEQUENCE = re.compile(
    r"^(?:[HNFRSTE]|\.(?:br|sp|fi|nf|in|ti|sk|ce).*|X(?:[0-9A-Fa-f]{2})+"
    r"|C[0-9A-Fa-f]{4}|M[0-9A-Fa-f]{4}(?:[0-9A-Fa-f]{2})?)$",
    re.DOTALL,
)


class MalformedMessage(MessageRejected):
    """Cannot be read as ER7: no MSH segment, separators that cannot be told apart, or an escape
    sequence that is not one."""


@dataclass(frozen=True, slots=True)
class Encoding:
    """The separators and escape character a message declares in MSH-1 and MSH-2."""

    field_separator: str
    component_separator: str
    repetition_separator: str
    escape_character: str
    subcomponent_separator: str

    def characters(self) -> str:
        return (
            self.field_separator
            + self.component_separator
            + self.repetition_separator
            + self.escape_character
            + self.subcomponent_separator
        )

    def leaf(self, component: str) -> str:
        """A component's first subcomponent, unescaped and stripped.

        An escaped line break (\\.br\\) unescapes to a carriage return: it is kept a line break.
        """
        text = self.unescape(component.partition(self.subcomponent_separator)[0])
        return text.replace("\r", "\n").strip()

    def unescape(self, text: str) -> str:
        """Escape sequences replaced by what they stand for, by python-hl7's rules."""
        if self.escape_character not in text:
            return text
        for count in _repeat_counts(self.escape_character).findall(text):
            if int(count) > MOST_REPEATS:
                raise MalformedMessage(
                    f"an escape sequence repeats a character {count} times (at most {MOST_REPEATS})"
                )
        try:
            unescaped = str(_python_hl7_container(self).unescape(self._unknown_kept(text)))
        except ValueError as error:  # python-hl7's, on a count that is not a number (\.spX\)
            raise MalformedMessage(
                "a field holds an escape sequence that cannot be read"
            ) from error
        if NUL in unescaped:
            raise MalformedMessage("a field escapes a NUL character, which text cannot hold")
        return unescaped

    def _unknown_kept(self, text: str) -> str:
        """The text with every escape character that opens no sequence python-hl7 knows written
        as an escaped one, so that it reads as sent.

        python-hl7 drops an unknown sequence with what it holds, and everything after an
        unclosed one, logging the field (patient data): a sender's bare backslash in free text
        ("r/o fracture L4\\L5 disc") lost "L5 disc" from the clinical question.
        """
        escape = self.escape_character
        parts = text.split(escape)
        kept = [parts[0]]
        for place in range(1, len(parts), 2):
            if place + 1 < len(parts) and _KNOWN_SEQUENCE.match(parts[place]):
                kept.append(f"{escape}{parts[place]}{escape}{parts[place + 1]}")
            else:
                literal = f"{escape}E{escape}"
                kept.append(literal + literal.join(parts[place : place + 2]))
        return "".join(kept)

    def escape(self, text: str) -> str:
        """Text with its separators and non-ASCII characters escaped, by python-hl7's rules."""
        return str(_python_hl7_container(self).escape(text))


@lru_cache(maxsize=32)
def _repeat_counts(escape_character: str) -> re.Pattern[str]:
    """The counts of formatting sequences such as \\.sp3\\ (three line breaks)."""
    escape = re.escape(escape_character)
    return re.compile(rf"{escape}\.[a-z]{{2}}[+-]?(\d+){escape}")


@lru_cache(maxsize=32)
def _python_hl7_container(encoding: Encoding) -> hl7.Message:
    """An empty python-hl7 message with these encoding characters, for its escape rules."""
    separators = (
        SEGMENT_SEPARATOR
        + encoding.field_separator
        + encoding.repetition_separator
        + encoding.component_separator
        + encoding.subcomponent_separator
    )
    return hl7.Message(separators=separators, esc=encoding.escape_character)


STANDARD_ENCODING = Encoding("|", "^", "~", "\\", "&")


@lru_cache(maxsize=32)
def _declared_encoding(field_separator: str, characters: str) -> Encoding:
    """MSH-1 and the first four characters of MSH-2: component, repetition, escape, subcomponent."""
    encoding = Encoding(
        field_separator, *(characters + DEFAULT_ENCODING_CHARACTERS[len(characters) :])
    )
    every = encoding.characters()
    if len(set(every)) < len(every) or "\r" in every or "\n" in every:
        raise MalformedMessage(
            f"MSH-1 and MSH-2 must name five different characters, not {every!r}"
        )
    return encoding


class Segment:
    """One segment: its fields as sent (the name first), each read into values once, when asked.

    A segment holding no repetition, subcomponent or escape character (most of them) is plain:
    a value is its field split at the component separator, with nothing to unescape or keep.
    """

    __slots__ = ("_read", "encoding", "fields", "name", "plain")

    def __init__(self, fields: list[str], encoding: Encoding, plain: bool = False) -> None:
        self.name = fields[0]
        self.fields = fields
        self.encoding = encoding
        self.plain = plain
        self._read: dict[int, list[list[str]]] = {}

    def text(self, field: int) -> str:
        """The field as sent, escape sequences and separators kept; "" when absent."""
        return self.fields[field] if field < len(self.fields) else ""

    def is_null(self, field: int) -> bool:
        """Whether the field is HL7's null (`""`): sent, and its value to be deleted."""
        return self.text(field).strip() == NULL

    def value(self, field: int, component: int = 1, repeat: int = 1) -> str:
        """The first subcomponent of one component of one repetition, unescaped and stripped;
        "" if absent.

        Numbers count from 1, as in python-hl7's `extract_field(field, repeat, component, 1)`.
        HL7's null (`""`) reads as "" too: it deletes a value, it is never one (`is_null`).
        """
        if self.plain:
            if repeat != 1 or field >= len(self.fields):
                return ""
            components = self.fields[field].split(self.encoding.component_separator, component)
            value = components[component - 1].strip() if component <= len(components) else ""
            return "" if value == NULL else value
        values = self._read.get(field)
        if values is None:
            values = self._read_field(field)
        if repeat <= len(values):
            components = values[repeat - 1]
            if component <= len(components) and components[component - 1] != NULL:
                return components[component - 1]
        return ""

    def repetitions(self, field: int) -> int:
        """How many repetitions the field has: 0 when absent, 1 when present and empty."""
        if self.plain:
            return 1 if field < len(self.fields) else 0
        values = self._read.get(field)
        return len(values if values is not None else self._read_field(field))

    def _read_field(self, field: int) -> list[list[str]]:
        values = self._split(field) if field < len(self.fields) else []
        self._read[field] = values
        return values

    def _split(self, field: int) -> list[list[str]]:
        """Each repetition's components, each its first subcomponent, unescaped and stripped."""
        text, encoding = self.fields[field], self.encoding
        component = encoding.component_separator
        if encoding.repetition_separator in text:
            values = [part.split(component) for part in text.split(encoding.repetition_separator)]
        else:
            values = [text.split(component)]
        if encoding.subcomponent_separator in text or encoding.escape_character in text:
            return [[encoding.leaf(part) for part in parts] for parts in values]
        return [[part.strip() for part in parts] for parts in values]


# What a message without the segment reads: every value "", no field repeated.
ABSENT = Segment([""], STANDARD_ENCODING, plain=True)


class Header(Segment):
    """The MSH segment: MSH-1 (the field separator) and MSH-2 are read as sent, never split."""

    __slots__ = ()

    def value(self, field: int, component: int = 1, repeat: int = 1) -> str:
        if field <= 2:
            return self.fields[field] if component == 1 and repeat == 1 else ""
        return super().value(field, component, repeat)

    def repetitions(self, field: int) -> int:
        return 1 if field <= 2 else super().repetitions(field)


@dataclass(frozen=True, slots=True)
class Message:
    """A message's encoding characters and its segments, the MSH segment first."""

    encoding: Encoding
    segments: tuple[Segment, ...]

    @property
    def header(self) -> Segment:
        return self.segments[0]

    def segments_named(self, name: str) -> list[Segment]:
        return [segment for segment in self.segments if segment.name == name]


def parse(text: str) -> Message:
    """A message whose segments end in CR, LF or both; MalformedMessage when it is not ER7.

    Whitespace after the message is dropped, as python-hl7 does.
    """
    if NUL in text:
        raise MalformedMessage("the message holds a NUL character, which HL7 text cannot hold")
    text = text.replace("\r\n", "\r").replace("\n", "\r").strip("\r")
    lines = text.rstrip().split(SEGMENT_SEPARATOR)
    first = lines[0]
    if first.startswith(BATCH_HEADERS):
        raise MalformedMessage("a batch (FHS, BHS) is not read: send one message per MLLP frame")
    if not first.startswith("MSH") or len(first) < 4 or len(text) < 8:
        raise MalformedMessage("the message does not begin with an MSH segment")
    separator = first[3]
    # Answering the first of two messages in one frame would leave the second unanswered.
    if f"{SEGMENT_SEPARATOR}MSH{separator}" in text:
        second = next(n for n, line in enumerate(lines, 1) if n > 1 and line.startswith("MSH"))
        raise MalformedMessage(f"segment {second} is a second MSH: send one message per MLLP frame")
    characters, _, rest = first[4:].partition(separator)
    encoding = _declared_encoding(separator, characters[:4])
    header_fields = ["MSH", separator, characters, *(rest.split(separator) if rest else ())]
    segments: list[Segment] = [Header(header_fields, encoding, _is_plain(rest, encoding))]
    segments += [
        Segment(line.split(separator), encoding, _is_plain(line, encoding)) for line in lines[1:]
    ]
    return Message(encoding, tuple(segments))


def _is_plain(text: str, encoding: Encoding) -> bool:
    """Whether the text holds no repetition, subcomponent or escape character."""
    return not (
        encoding.repetition_separator in text
        or encoding.subcomponent_separator in text
        or encoding.escape_character in text
    )
