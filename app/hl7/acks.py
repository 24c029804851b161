"""General acknowledgments (ACK) in original mode: AA, AE or AR with the reason in MSA-3."""

from datetime import UTC, datetime

import hl7
from hl7.util import generate_message_control_id

from app.hl7.charsets import OUR_CHARSET
from app.hl7.timestamps import format_timestamp

OUR_APPLICATION = "WORKLIST"
ACK_VERSION = "2.5.1"


def acknowledge(message: hl7.Message, code: str, reason: str = "") -> str:
    """The ACK of a parsed message: its control id, its sender as our receiver."""
    ack = message.create_ack(code, application=OUR_APPLICATION)
    if reason:
        ack.assign_field(ack.escape(reason), "MSA", 1, 3, 1, 1)
    return _with_charset(str(ack)) + "\r"


def reject_unparsable(raw_control_id: str, reason: str) -> str:
    """An AR for a message whose header could not be read into a parse tree."""
    template = hl7.parse(r"MSH|^~\&|" + OUR_APPLICATION + "|\rMSA|AR|")
    now = format_timestamp(datetime.now(UTC))
    fields = (now, "", "ACK", generate_message_control_id(), "P", ACK_VERSION)
    msh = "|".join([r"MSH|^~\&", OUR_APPLICATION, "", "", "", *fields, "", "", "", "", "", ""])
    msa = f"MSA|AR|{template.escape(raw_control_id)}|{template.escape(reason)}"
    return f"{msh}{OUR_CHARSET}\r{msa}\r"


def _with_charset(ack: str) -> str:
    """Our replies are UTF-8, and say so in MSH-18 when the sender's version has the field."""
    msh, _, rest = ack.partition("\r")
    fields = msh.split("|")
    fields += [""] * (18 - len(fields))
    fields[17] = OUR_CHARSET
    return "|".join(fields) + ("\r" + rest if rest else "")
