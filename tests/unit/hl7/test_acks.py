"""Acknowledgments: python-hl7's `create_ack` text, MSH-18 added, and an AR for any header."""

import hl7
import pytest

from app.hl7.acks import acknowledge, reject_unparsable
from app.hl7.charsets import OUR_CHARSET, decode_message
from app.hl7.er7 import parse
from app.hl7.errors import MessageRejected
from app.hl7.order_messages import header_of, read_orders
from tests.support.hl7_peers import sample_bytes

SAMPLES = (
    "omi_o23_v251_utf8.hl7",
    "orm_o01_v23_cancel.hl7",
    "orm_o01_v23_new.hl7",
    "orm_o01_v24_latin1_zsegments.hl7",
)
REASONS = [
    ("AA", ""),
    ("AE", "no accession number in IPC-1, OBR-18, ORC-3"),
    ("AR", "odd | ^ ~ & \\ characters, Müller — and\ra second line"),
]


def _python_hl7_ack(text: str, code: str, reason: str) -> str:
    """The ACK as python-hl7 writes it, with MSH-18."""
    ack = hl7.parse(text).create_ack(code, application="WORKLIST")
    if reason:
        ack.assign_field(ack.escape(reason), "MSA", 1, 3, 1, 1)
    msh, _, rest = str(ack).partition("\r")
    fields = msh.split("|")
    fields += [""] * (18 - len(fields))
    fields[17] = OUR_CHARSET
    return "|".join(fields) + "\r" + rest


def _without_time_and_id(ack: str, separator: str = "|") -> str:
    """The ACK with MSH-7 (when) and MSH-10 (its own control id) blanked."""
    msh, _, rest = ack.partition("\r")
    fields = msh.split(separator)
    fields[6] = fields[9] = ""
    return separator.join(fields) + "\r" + rest


@pytest.mark.parametrize("name", SAMPLES)
@pytest.mark.parametrize(("code", "reason"), REASONS)
def test_ack_is_python_hl7s_byte_for_byte(name: str, code: str, reason: str) -> None:
    text = decode_message(sample_bytes(name)).strip("\r")
    ours = acknowledge(parse(text), code, reason)
    assert _without_time_and_id(ours) == _without_time_and_id(_python_hl7_ack(text, code, reason))


def test_ack_ends_with_its_last_segment_and_no_empty_one() -> None:
    message = parse(decode_message(sample_bytes("orm_o01_v23_new.hl7")))
    segments = acknowledge(message, "AA").split("\r")
    assert [segment[:3] for segment in segments] == ["MSH", "MSA", ""]  # "" after the last CR


def test_ack_has_a_time_and_a_control_id_of_its_own() -> None:
    message = parse(decode_message(sample_bytes("orm_o01_v23_new.hl7")))
    first, second = (acknowledge(message, "AA").split("|") for _ in range(2))
    assert len(first[6]) == 14
    assert first[6].isdigit()
    assert len(first[9]) == 20
    assert first[9] != second[9]


def test_ack_of_a_message_type_without_trigger_event_says_why() -> None:
    message = parse("MSH|^~\\&|RIS|GEN|WL|RAD|20261206||ADT|ID1|P|2.3\rPID|1")
    with pytest.raises(MessageRejected) as refused:
        read_orders(message, header_of(message))
    msh, msa = acknowledge(message, "AR", refused.value.reason).split("\r")[:2]
    assert msh.split("|")[8] == "ACK^^ACK"
    assert msa == "MSA|AR|ID1|message type ADT\\S\\ is not an order we take"


def test_ack_of_a_header_without_version_says_why() -> None:
    message = parse("MSH|^~\\&|RIS|GEN|WL|RAD|20261206||ORM^O01|ID1\rPID|1")
    with pytest.raises(MessageRejected) as refused:
        read_orders(message, header_of(message))
    msh, msa = acknowledge(message, "AR", refused.value.reason).split("\r")[:2]
    assert msh.split("|")[8:12] == ["ACK^O01^ACK", msh.split("|")[9], "", ""]
    assert msa == "MSA|AR|ID1|HL7 version (none) is not supported"


def test_ack_is_written_in_the_senders_encoding_characters() -> None:
    text = "MSH$%*#@$RIS$GEN$WL$RAD$20261206$$ORM%O01$ID1$P$2.3\rPID$1"
    ack = acknowledge(parse(text), "AE", "a$b%c*d#e@f|g")
    msh, msa = _without_time_and_id(ack, "$").split("\r")[:2]
    assert msh.split("$") == [
        *("MSH", "%*#@", "WORKLIST", "RAD", "RIS", "GEN", "", "", "ACK%O01%ACK", "", "P", "2.3"),
        *("", "", "", "", "", OUR_CHARSET),
    ]
    assert msa == "MSA$AE$ID1$a#F#b#S#c#R#d#E#e#T#f|g"


def test_reject_unparsable_escapes_what_it_repeats() -> None:
    msh, msa, end = _without_time_and_id(reject_unparsable("ID|1", "bad ^ reason")).split("\r")
    assert msh.split("|") == [
        *("MSH", "^~\\&", "WORKLIST", "", "", "", "", "", "ACK", "", "P", "2.5.1"),
        *("", "", "", "", "", OUR_CHARSET),
    ]
    assert (msa, end) == ("MSA|AR|ID\\F\\1|bad \\S\\ reason", "")
