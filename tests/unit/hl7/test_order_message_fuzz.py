"""Whatever the bytes, reading them gives orders or a reason to refuse them, never a crash."""

from hypothesis import given, settings
from hypothesis import strategies as st

from app.hl7.charsets import Undecodable, UnknownCharset, decode_message
from app.hl7.er7 import parse
from app.hl7.errors import MessageNotAccepted
from app.hl7.order_messages import header_of, read_orders
from tests.support.hl7_peers import sample_bytes

GOOD = sample_bytes("omi_o23_v251_utf8.hl7")


def _read(raw: bytes) -> None:
    try:
        message = parse(decode_message(raw))
        read_orders(message, header_of(message))
    except (MessageNotAccepted, UnknownCharset, Undecodable):
        pass


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_random_bytes(raw: bytes) -> None:
    _read(raw)


@settings(max_examples=300, deadline=None)
@given(st.integers(0, len(GOOD)), st.integers(0, len(GOOD)), st.binary(max_size=20))
def test_a_sample_cut_or_spliced(start: int, end: int, splice: bytes) -> None:
    _read(GOOD[:start] + splice + GOOD[end:])


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="|^~\\&\rMSHORCOBRPID0123.", max_size=300))
def test_separator_soup(text: str) -> None:
    _read(("MSH|^~\\&|" + text).encode())
