"""General acknowledgments (ACK) in original mode: AA, AE or AR with the reason in MSA-3."""

import random
import time
from datetime import UTC, datetime

from app.hl7.charsets import OUR_CHARSET
from app.hl7.er7 import STANDARD_ENCODING, Message
from app.hl7.timestamps import format_timestamp

OUR_APPLICATION = "WORKLIST"
ACK_VERSION = "2.5.1"


def acknowledge(message: Message, code: str, reason: str = "") -> str:
    """The ACK of a read message: its control id, its sender as our receiver.

    Field for field what python-hl7's `create_ack` writes, in the message's own encoding
    characters, with MSH-18 saying our replies are UTF-8.
    """
    msh, encoding = message.header, message.encoding
    first_type = msh.text(9).split(encoding.repetition_separator)[0]
    trigger_event = (first_type.split(encoding.component_separator) + [""])[1]
    message_type = encoding.component_separator.join(("ACK", trigger_event, "ACK"))
    sent = time.strftime("%Y%m%d%H%M%S", time.gmtime())
    header = [
        "MSH", msh.text(2), OUR_APPLICATION, msh.text(6), msh.text(3), msh.text(4), sent, "",
        message_type, _control_id(), msh.text(11), msh.text(12),
        "", "", "", "", "", OUR_CHARSET,
    ]  # fmt: skip
    answer = ["MSA", code, msh.text(10), *([encoding.escape(reason)] if reason else [])]
    separator = encoding.field_separator
    return f"{separator.join(header)}\r{separator.join(answer)}\r"


def reject_unparsable(raw_control_id: str, reason: str) -> str:
    """An AR for a message whose header could not be read."""
    now = format_timestamp(datetime.now(UTC))
    fields = (now, "", "ACK", _control_id(), "P", ACK_VERSION)
    msh = "|".join([r"MSH|^~\&", OUR_APPLICATION, "", "", "", *fields, "", "", "", "", "", ""])
    escape = STANDARD_ENCODING.escape
    msa = f"MSA|AR|{escape(raw_control_id)}|{escape(reason)}"
    return f"{msh}{OUR_CHARSET}\r{msa}\r"


def _control_id() -> str:
    """20 characters unique to the answer: the time in microseconds and 16 random bits."""
    return f"{time.time_ns() // 1000:016d}{random.getrandbits(16):04X}"
