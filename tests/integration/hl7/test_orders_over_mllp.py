"""Orders sent to our MLLP listener by independent senders: Debian's mllp_send, python-hl7."""

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from app.db.session import session_scope
from app.orders.models import Order
from app.settings import Settings
from tests.support.hl7_peers import (
    SAMPLES,
    running_hl7_listener,
    sample_bytes,
    send_file_with_mllp_send,
    send_with_hl7_client,
)

pytestmark = pytest.mark.hl7_peer


def _order(database_url: str, accession: str) -> Order | None:
    with session_scope(database_url) as session:
        return session.scalars(select(Order).where(Order.accession_number == accession)).first()


def _ack_code(ack: str) -> str:
    msa = next(line for line in ack.replace("\r", "\n").split("\n") if line.startswith("MSA"))
    return msa.split("|")[1]


def test_mllp_send_order_is_stored_and_acknowledged(settings: Settings, database_url: str) -> None:
    with running_hl7_listener(settings, database_url) as port:
        (ack,) = send_file_with_mllp_send(SAMPLES / "orm_o01_v23_new.hl7", port)
    assert _ack_code(ack) == "AA"
    assert "MSA|AA|RIS0001" in ack
    order = _order(database_url, "ACC1001")
    assert order is not None
    assert (order.priority, order.patient_class, order.status) == ("STAT", "E", "ACTIVE")


def test_mllp_send_new_change_cancel_in_one_file(
    settings: Settings, database_url: str, tmp_path: pytest.TempPathFactory
) -> None:
    names = ("orm_o01_v23_new.hl7", "orm_o01_v23_change.hl7", "orm_o01_v23_cancel.hl7")
    batch = tmp_path / "batch.hl7"  # type: ignore[operator]
    batch.write_bytes(b"".join((SAMPLES / name).read_bytes() for name in names))
    with running_hl7_listener(settings, database_url) as port:
        acks = send_file_with_mllp_send(batch, port)
    assert [_ack_code(ack) for ack in acks] == ["AA", "AA", "AA"]
    order = _order(database_url, "ACC1001")
    assert order is not None
    assert order.status == "CANCELLED"
    assert order.reason == "follow-up of known meningioma"
    assert order.priority == "ROUTINE"


def test_python_hl7_client_sends_utf8_and_latin1_orders(
    settings: Settings, database_url: str
) -> None:
    messages = [
        sample_bytes("omi_o23_v251_utf8.hl7"),
        sample_bytes("orm_o01_v24_latin1_zsegments.hl7"),
    ]
    with running_hl7_listener(settings, database_url) as port:
        acks = send_with_hl7_client(port, messages)
    assert [str(ack.segment("MSA")(1)) for ack in acks] == ["AA", "AA"]
    utf8, latin1 = _order(database_url, "ACC2002"), _order(database_url, "ACC3003")
    assert utf8 is not None
    assert utf8.patient_name == "Müller^Zoë"
    assert latin1 is not None
    assert latin1.patient_name == "Sørensen&Berg^Åse"


def test_senders_leaving_out_msh_18_are_read_in_the_configured_character_set(
    settings: Settings, database_url: str
) -> None:
    unnamed = sample_bytes("orm_o01_v24_latin1_zsegments.hl7").replace(b"||||||8859/1", b"")
    with running_hl7_listener(settings, database_url) as port:
        (utf8_assumed,) = send_with_hl7_client(port, [unnamed])
    assert str(utf8_assumed.segment("MSA")(1)) == "AR"
    assert "not UTF-8, as a message without MSH-18 is read" in str(utf8_assumed.segment("MSA")(3))

    latin1_senders = settings.model_copy(update={"hl7_default_charset": "8859/1"})
    with running_hl7_listener(latin1_senders, database_url) as port:
        (latin1_assumed,) = send_with_hl7_client(port, [unnamed])
    assert str(latin1_assumed.segment("MSA")(1)) == "AA"
    order = _order(database_url, "ACC3003")
    assert order is not None
    assert order.patient_name == "Sørensen&Berg^Åse"


def test_a_change_sending_hl7_null_deletes_what_it_names_and_keeps_what_it_leaves_empty(
    settings: Settings, database_url: str
) -> None:
    change = sample_bytes("orm_o01_v23_change.hl7")
    change = change.replace(b"PV1|1|E|ED^BAY4^1^GENHOSP", b'PV1|1|""')
    change = change.replace(b"^follow-up of known meningioma", b'""')
    with running_hl7_listener(settings, database_url) as port:
        acks = send_with_hl7_client(port, [sample_bytes("orm_o01_v23_new.hl7"), change])
    assert [str(ack.segment("MSA")(1)) for ack in acks] == ["AA", "AA"]
    order = _order(database_url, "ACC1001")
    assert order is not None
    assert (order.reason, order.reason_codes, order.patient_class) == (None, [], None)
    assert order.patient_location == "ED BAY4 1 GENHOSP"  # PV1-3 left empty: kept
    assert order.ordering_physician == "CAMERON^ALLISON"


def test_same_control_id_again_is_acknowledged_without_a_second_effect(
    settings: Settings, database_url: str
) -> None:
    first = sample_bytes("orm_o01_v23_new.hl7")
    resent_altered = first.replace(b"sudden severe headache", b"something else")
    with running_hl7_listener(settings, database_url) as port:
        acks = send_with_hl7_client(port, [first, resent_altered])
    assert [str(ack.segment("MSA")(1)) for ack in acks] == ["AA", "AA"]
    assert [str(ack.segment("MSA")(2)) for ack in acks] == ["RIS0001", "RIS0001"]
    order = _order(database_url, "ACC1001")
    assert order is not None
    assert order.reason is not None
    assert order.reason.startswith("sudden severe headache")


def test_connection_survives_bad_messages(settings: Settings, database_url: str) -> None:
    good = sample_bytes("orm_o01_v23_new.hl7")
    messages = [
        b"this is not HL7 at all",
        good.replace(b"ORC|NW", b"ORC|ZZ"),
        good.replace(b"|2.3\r", b"|3.0\r"),
        good.replace(b"|ACC1001|", b"||").replace(b"FIL1001^PACS", b""),
        good,
    ]
    with running_hl7_listener(settings, database_url) as port:
        acks = send_with_hl7_client(port, messages)
    codes = [str(ack.segment("MSA")(1)) for ack in acks]
    assert codes == ["AR", "AE", "AR", "AE", "AA"]
    assert "order control 'ZZ'" in str(acks[1].segment("MSA")(3))
    assert "no accession number" in str(acks[3].segment("MSA")(3))
    with session_scope(database_url) as session:
        assert session.scalar(select(func.count()).select_from(Order)) == 1


def test_unknown_character_set_is_rejected_with_the_reason(
    settings: Settings, database_url: str
) -> None:
    message = sample_bytes("orm_o01_v24_latin1_zsegments.hl7").replace(b"8859/1", b"KLINGON")
    with running_hl7_listener(settings, database_url) as port:
        (ack,) = send_with_hl7_client(port, [message])
    assert str(ack.segment("MSA")(1)) == "AR"
    assert "KLINGON" in str(ack.segment("MSA")(3))
    assert _order(database_url, "ACC3003") is None


def test_unmatched_orders_are_listed_after_the_expiry(
    client: TestClient, settings: Settings, database_url: str, admin_headers: dict[str, str]
) -> None:
    with running_hl7_listener(settings, database_url) as port:
        send_with_hl7_client(port, [sample_bytes("orm_o01_v23_new.hl7")])
    with session_scope(database_url) as writer:
        order = writer.scalars(select(Order)).one()
        order.created_at = datetime.now(UTC) - timedelta(days=31)
    listed = client.get("/api/v1/orders/unmatched", headers=admin_headers)
    assert listed.status_code == 200
    assert [item["accession_number"] for item in listed.json()["items"]] == ["ACC1001"]
    assert _order(database_url, "ACC1001") is not None


def test_an_order_is_read_by_an_accession_number_holding_a_slash(
    client: TestClient, settings: Settings, database_url: str, admin_headers: dict[str, str]
) -> None:
    message = sample_bytes("orm_o01_v23_new.hl7").replace(b"ACC1001", b"2026/1001 #2")
    with running_hl7_listener(settings, database_url) as port:
        (ack,) = send_with_hl7_client(port, [message])
    assert str(ack.segment("MSA")(1)) == "AA"

    read = client.get("/api/v1/orders/2026%2F1001%20%232", headers=admin_headers)

    assert read.status_code == 200, read.text
    assert read.json()["accession_number"] == "2026/1001 #2"
    assert client.get("/api/v1/orders/2026%2F1002", headers=admin_headers).status_code == 404
