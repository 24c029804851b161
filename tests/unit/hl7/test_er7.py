"""The ER7 reader gives every value python-hl7's parse tree gives (stripped), without building the
tree."""

import hl7
import pytest

from app.hl7.charsets import decode_message
from app.hl7.er7 import Segment, parse
from app.hl7.errors import MessageRejected
from tests.support.hl7_peers import sample_bytes

SAMPLES = (
    "omi_o23_v251_utf8.hl7",
    "orm_o01_v23_cancel.hl7",
    "orm_o01_v23_change.hl7",
    "orm_o01_v23_new.hl7",
    "orm_o01_v24_latin1_zsegments.hl7",
)
ORDER = (
    "MSH|^~\\&|RIS|GENHOSP|WORKLIST|RADIOLOGY|20261206080000||ORM^O01|RIS0001|P|2.3\r"
    "PID|1||PAT1001^^^GENHOSP^MR~19850312^^^SKATT^NI||DOE^JOHN^Q\r"
    "PV1|1\r"
    "ORC|NW|PLC1001^RIS|FIL1001^PACS|| SC \r"
    "OBR|1|||||||||||||||||ACC1001|||||||||||||^ reason one~^reason two\r"
    "NTE|1||first \\T\\ second \\F\\ third\\.br\\next line \\X41\\ \\H\\bold\\N\\ \\E\\ \\S\\ \\R\\"
)
# The same message in other encoding characters: fields $, components %, repetitions *,
# escape #, subcomponents @.
CUSTOM = ORDER.translate(str.maketrans("|^~\\&", "$%*#@"))


def _python_hl7_value(segment: hl7.Segment, field: int, component: int, repeat: int) -> str:
    """What python-hl7 reads, stripped, a line break a line feed; "" where its tree ends first."""
    try:
        value = str(segment.extract_field(1, field, repeat, component, 1))
    except IndexError:
        return ""
    return value.replace("\r", "\n").strip()


def _text(name: str) -> str:
    return decode_message(sample_bytes(name)).strip("\r")


@pytest.mark.parametrize(
    "text",
    [*(_text(name) for name in SAMPLES), ORDER, CUSTOM],
    ids=[*SAMPLES, "escapes", "custom encoding"],
)
def test_every_value_is_the_one_python_hl7_reads(text: str) -> None:
    ours, theirs = parse(text), hl7.parse(text)
    assert [segment.name for segment in ours.segments] == [str(s[0]) for s in theirs]
    for segment, tree in zip(ours.segments, theirs, strict=True):
        for field in range(1, len(tree) + 2):
            expected_repetitions = len(tree(field)) if field < len(tree) else 0
            assert segment.repetitions(field) == expected_repetitions, (segment.name, field)
            for repeat in range(1, 4):
                for component in range(1, 7):
                    expected = _python_hl7_value(tree, field, component, repeat)
                    place = (segment.name, field, component, repeat)
                    assert segment.value(field, component, repeat) == expected, place


def test_msh_1_is_the_field_separator_and_msh_2_the_encoding_characters() -> None:
    msh = parse(ORDER).header
    assert (msh.name, msh.value(1), msh.value(2)) == ("MSH", "|", "^~\\&")
    assert (msh.value(3), msh.value(7), msh.value(10), msh.value(12)) == (
        "RIS",
        "20261206080000",
        "RIS0001",
        "2.3",
    )
    assert (msh.value(9, 1), msh.value(9, 2), msh.value(9, 3)) == ("ORM", "O01", "")
    assert (msh.value(2, 2), msh.value(2, 1, 2)) == ("", "")
    assert msh.text(9) == "ORM^O01"


def _segment(text: str, name: str) -> Segment:
    (segment,) = parse(text).segments_named(name)
    return segment


def test_empty_and_absent_fields_read_as_empty() -> None:
    pid = _segment(ORDER, "PID")
    assert (pid.value(2), pid.repetitions(2)) == ("", 1)  # present, empty
    assert (pid.value(9), pid.repetitions(9)) == ("", 0)  # past the last field
    assert pid.value(5, 4) == ""  # past the last component
    assert pid.value(5, 1, 2) == ""  # past the last repetition


def test_a_segment_with_fewer_fields_reads_the_rest_as_empty() -> None:
    pv1 = _segment(ORDER, "PV1")
    assert pv1.value(1) == "1"
    assert (pv1.value(2), pv1.value(3, 2), pv1.value(44, 1, 3)) == ("", "", "")
    assert pv1.repetitions(3) == 0


def test_repetitions_are_read_one_by_one() -> None:
    pid = _segment(ORDER, "PID")
    assert pid.repetitions(3) == 2
    assert (pid.value(3, 1, 1), pid.value(3, 4, 1)) == ("PAT1001", "GENHOSP")
    assert (pid.value(3, 1, 2), pid.value(3, 5, 2)) == ("19850312", "NI")
    obr = _segment(ORDER, "OBR")
    assert [obr.value(31, 2, repeat) for repeat in (1, 2)] == ["reason one", "reason two"]


def test_a_component_reads_as_its_first_subcomponent() -> None:
    segment = _segment(ORDER + "\rZDS|A&B^C&D", "ZDS")
    assert (segment.value(1, 1), segment.value(1, 2)) == ("A", "C")


@pytest.mark.parametrize(
    ("sequence", "meaning"),
    [
        ("\\F\\", "|"),
        ("\\S\\", "^"),
        ("\\T\\", "&"),
        ("\\R\\", "~"),
        ("\\E\\", "\\"),
        ("\\.br\\", "\n"),  # python-hl7's carriage return, kept a line break
        ("\\X41\\", "A"),
        ("\\H\\", "_"),
        ("\\N\\", "_"),
    ],
)
def test_escape_sequences_unescape_as_python_hl7_does(sequence: str, meaning: str) -> None:
    text = f"{ORDER}\rNTE|2||a{sequence}b^c"
    note, tree = parse(text).segments_named("NTE")[1], hl7.parse(text).segments("NTE")(2)
    assert note.value(3) == f"a{meaning}b" == _python_hl7_value(tree, 3, 1, 1)
    assert note.value(3, 2) == "c"  # an escaped separator separates nothing


@pytest.mark.parametrize(
    ("sent", "read"),
    [
        # Unclosed: python-hl7 lost the rest of the text.
        ("r/o fracture L4\\L5 disc", "r/o fracture L4\\L5 disc"),
        # Not a sequence python-hl7 knows: it lost "temp".
        ("path C:\\temp\\file seen", "path C:\\temp\\file seen"),
        ("a \\\\ b", "a \\\\ b"),
        ("hex \\XZZ\\ q", "hex \\XZZ\\ q"),
        ("known \\F\\ and \\X41\\ and \\Q\\", "known | and A and \\Q\\"),
    ],
)
def test_an_escape_character_that_opens_no_known_sequence_reads_as_sent(
    sent: str, read: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level("WARNING"):
        note = parse(f"{ORDER}\rNTE|2||{sent}").segments_named("NTE")[1]

    assert note.value(3) == read
    assert [r for r in caplog.records if r.levelname == "ERROR"] == []  # nor the field logged


def test_custom_encoding_characters_separate_and_escape() -> None:
    message = parse(CUSTOM)
    assert message.encoding.characters() == "$%*#@"
    msh, pid = message.header, message.segments_named("PID")[0]
    assert (msh.value(1), msh.value(2), msh.value(9, 2), msh.value(10)) == (
        "$",
        "%*#@",
        "O01",
        "RIS0001",
    )
    assert (pid.value(3, 1, 2), pid.value(5, 2)) == ("19850312", "JOHN")
    note = message.segments_named("NTE")[0]
    assert note.value(3) == "first @ second $ third\nnext line A _bold_ # % *"


def test_missing_encoding_characters_are_python_hl7s_defaults() -> None:
    message = parse("MSH|^~|RIS|GEN|WL|RAD|20261206||ORM^O01|ID1|P|2.3\rPID|1||A&B\\T\\C")
    assert message.encoding.characters() == "|^~\\&"
    assert message.segments_named("PID")[0].value(3) == "A"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("PID|1||X", "does not begin with an MSH segment"),
        ("MSH", "does not begin with an MSH segment"),
        ("MSH|^^\\&|RIS|GEN|WL|RAD|20261206||ORM^O01|ID1|P|2.3", "five different characters"),
        ("MSH|^~\\^|RIS|GEN|WL|RAD|20261206||ORM^O01|ID1|P|2.3", "five different characters"),
        ("MSH|^~\\&|RIS|GEN|WL|RAD|20261206||ORM^O01|ID1|P|2.3\rPID|1||A\x00B", "NUL character"),
        # Two messages in one frame: answering the first would leave the second unanswered.
        (f"{ORDER}\r{ORDER}", "segment 7 is a second MSH"),
        (f"BHS|^~\\&|RIS\r{ORDER}\rBTS|1", "a batch"),
    ],
)
def test_what_is_not_er7_is_refused_with_a_reason(text: str, reason: str) -> None:
    with pytest.raises(MessageRejected, match=reason):
        parse(text)


def test_an_escape_sequence_that_is_not_one_is_refused_when_read() -> None:
    note = parse(f"{ORDER}\rNTE|2||a\\.spX\\b").segments_named("NTE")[1]
    with pytest.raises(MessageRejected, match="escape sequence"):
        note.value(3)


def test_an_escaped_nul_is_refused_when_read() -> None:
    note = parse(f"{ORDER}\rNTE|2||a\\X00\\b").segments_named("NTE")[1]
    with pytest.raises(MessageRejected, match="NUL character"):
        note.value(3)
