"""Reading ORM^O01 and OMI^O23 samples written from the HL7 v2.5.1 specification."""

from collections.abc import Sequence
from datetime import UTC, datetime

import pytest

from app.hl7.charsets import decode_message
from app.hl7.er7 import Message, parse
from app.hl7.errors import MessageRejected, OrderUnusable
from app.hl7.order_messages import DEFAULT_ACCESSION_FIELDS, header_of, read_orders
from app.orders.records import OrderControl, OrderFacts, ReceivedOrder
from app.vocabulary import Priority
from tests.support.hl7_peers import sample_bytes


def orders_of(
    message: Message, accession_fields: Sequence[str] = DEFAULT_ACCESSION_FIELDS
) -> list[ReceivedOrder]:
    return read_orders(message, header_of(message), accession_fields)


def facts_of(name: str) -> tuple[OrderControl, OrderFacts]:
    (order,) = orders_of(parse(decode_message(sample_bytes(name))))
    return order.control, order.facts


def test_orm_v23_reads_accession_from_obr18_and_stat_from_obr27() -> None:
    control, facts = facts_of("orm_o01_v23_new.hl7")
    assert control is OrderControl.NEW
    assert facts.accession_number == "ACC1001"
    assert (facts.placer_number, facts.filler_number) == ("PLC1001", "FIL1001")
    assert facts.patient_id == "PAT1001"
    assert facts.patient_name == "DOE^JOHN"
    assert facts.priority is Priority.STAT
    assert facts.reason == "sudden severe headache, r/o bleed\npatient on anticoagulants"
    assert facts.ordering_physician == "CAMERON^ALLISON"
    assert (facts.patient_class, facts.patient_location) == ("E", "ED BAY4 1 GENHOSP")
    assert facts.requested_procedure == "CT HEAD WO CONTRAST"
    assert facts.scheduled_at == datetime(2026, 12, 6, 8, 15, tzinfo=UTC)


def test_omi_v251_in_utf8_reads_ipc_tq1_and_diagnosis_codes() -> None:
    control, facts = facts_of("omi_o23_v251_utf8.hl7")
    assert control is OrderControl.NEW
    assert facts.accession_number == "ACC2002"
    assert facts.study_instance_uid == "1.2.826.0.1.3680043.10.9999.2002"
    assert facts.patient_name == "Müller^Zoë"
    assert facts.priority is Priority.STAT  # TQ1-9 A: as soon as possible
    assert facts.reason_codes == ("I10:R51", "I10:C71.9")
    assert facts.reason is not None
    assert "Verdacht auf Glioblastom" in facts.reason
    assert facts.ordering_physician == "Schäfer^Jürgen"
    assert facts.scheduled_at == datetime(2026, 12, 6, 8, 30, tzinfo=UTC)


def test_latin1_message_with_z_segments_and_escapes() -> None:
    _, facts = facts_of("orm_o01_v24_latin1_zsegments.hl7")
    assert facts.patient_name == "Sørensen&Berg^Åse"
    assert facts.study_instance_uid == "1.2.826.0.1.3680043.10.9999.3003"
    assert facts.requested_procedure == "MR kne h|v"
    assert facts.reason == "Smerter^hevelse etter fall\\ski\nruptur av menisk?\nkontroll om 6 uker"
    assert facts.priority is Priority.ROUTINE
    assert facts.ordering_physician == "Nilsen^Øystein"


def test_cancel_is_read_as_cancel() -> None:
    control, facts = facts_of("orm_o01_v23_cancel.hl7")
    assert control is OrderControl.CANCEL
    assert facts.accession_number == "ACC1001"


def test_hl7_null_deletes_a_fact_where_an_empty_field_keeps_it() -> None:
    """v2.5.1 section 2.5.3: `""` says the value is to be deleted, never that it is `""`."""
    change = sample_bytes("orm_o01_v23_change.hl7")
    change = change.replace(b"PV1|1|E|ED^BAY4^1^GENHOSP", b'PV1|1|""|""')
    change = change.replace(b"^follow-up of known meningioma", b'""')
    change = change.replace(b"DOE^JOHN^Q", b'""')
    (order,) = orders_of(parse(decode_message(change)))
    facts = order.facts
    assert (facts.reason, facts.patient_class, facts.patient_location) == (None, None, None)
    assert order.cleared == {"reason", "reason_codes", "patient_class", "patient_location"}
    assert facts.patient_name is None  # a patient's name is not deleted by an order
    assert facts.priority is Priority.ROUTINE
    (kept,) = orders_of(parse(decode_message(sample_bytes("orm_o01_v23_change.hl7"))))
    assert kept.cleared == frozenset()


def _with_field(name: str, old: bytes, new: bytes) -> str:
    return decode_message(sample_bytes(name).replace(old, new, 1))


@pytest.mark.parametrize(
    ("old", "new", "error", "reason"),
    [
        (b"|2.3\r", b"|2.9\r", MessageRejected, "HL7 version 2.9 is not supported"),
        (b"ORM^O01", b"ADT^A01", MessageRejected, r"message type ADT\^A01"),
        (b"ORC|NW", b"ORC|ZZ", OrderUnusable, "order control 'ZZ'"),
        (b"|RIS0001|", b"||", MessageRejected, "MSH-10"),
        (b"|RIS0001|", b"|" + b"C" * 200 + b"|", MessageRejected, "longer than 199 characters"),
        (b"|ACC1001|", b"|" + b"A" * 65 + b"|", OrderUnusable, "accession number is longer"),
        (b"PAT1001", b"P" * 65, OrderUnusable, "patient id is longer than 64 characters"),
        (b"PV1|1|E|", b"PV1|1|" + b"E" * 17 + b"|", OrderUnusable, "patient class is longer"),
    ],
)
def test_unusable_messages_say_why(
    old: bytes, new: bytes, error: type[Exception], reason: str
) -> None:
    with pytest.raises(error, match=reason):
        orders_of(parse(_with_field("orm_o01_v23_new.hl7", old, new)))


def test_values_as_long_as_their_columns_are_read() -> None:
    longest = _with_field("orm_o01_v23_new.hl7", b"|ACC1001|", b"|" + b"A" * 64 + b"|")
    (order,) = orders_of(parse(longest.replace("RIS0001", "C" * 199, 1)))
    assert order.facts.accession_number == "A" * 64


def test_text_without_msh_is_rejected() -> None:
    with pytest.raises(MessageRejected, match="MSH"):
        parse("PID|1||X")


def test_accession_fields_are_configurable() -> None:
    message = parse(decode_message(sample_bytes("orm_o01_v23_new.hl7")))
    (order,) = orders_of(message, ["ORC-2"])
    assert order.facts.accession_number == "PLC1001"


def test_order_without_accession_is_unusable() -> None:
    message = parse(_with_field("orm_o01_v23_new.hl7", b"|ACC1001|", b"||"))
    with pytest.raises(OrderUnusable, match="no accession number in OBR-18"):
        orders_of(message, ["OBR-18"])


def test_an_escape_sequence_that_is_not_one_is_refused_with_a_reason() -> None:
    note = b"patient on anticoagulants"
    text = _with_field("orm_o01_v23_new.hl7", note, b"patient on \\.spX\\ anticoagulants")
    with pytest.raises(MessageRejected, match="escape sequence"):
        orders_of(parse(text))


def test_a_formatting_sequence_repeated_past_reason_is_refused_not_written_out() -> None:
    note = b"patient on anticoagulants"
    text = _with_field("orm_o01_v23_new.hl7", note, b"patient on \\.sp2000000000\\ anticoagulants")
    with pytest.raises(MessageRejected, match="repeats a character 2000000000 times"):
        orders_of(parse(text))


def test_a_few_line_breaks_by_formatting_sequence_are_read() -> None:
    note = b"patient on anticoagulants"
    text = _with_field("orm_o01_v23_new.hl7", note, b"patient on\\.sp2\\anticoagulants")
    (order,) = orders_of(parse(text))
    assert "patient on\n\nanticoagulants" in (order.facts.reason or "")


def test_of_several_orders_the_one_that_cannot_be_used_is_named() -> None:
    text = decode_message(sample_bytes("orm_o01_v23_new.hl7")).strip()
    groups = text[text.index("ORC|") :]
    second = groups.replace("ACC1001", "").replace("OBR|1|", "OBR|2|")
    message = parse(f"{text}\r{second}")

    with pytest.raises(OrderUnusable, match=r"^order 2 of 2: no accession number in OBR-18"):
        orders_of(message, ["OBR-18"])
