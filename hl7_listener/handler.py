"""One HL7 message in, its acknowledgment out: decode, read, store, then answer.

Nothing escapes: every failure is an AE or AR with its reason, logged by kind without patient
data. An order is committed before its AA is returned.
"""

import asyncio
import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from app.db.session import session_scope
from app.hl7.acks import acknowledge, reject_unparsable
from app.hl7.charsets import Undecodable, UnknownCharset, decode_message
from app.hl7.er7 import Message, parse
from app.hl7.errors import MessageNotAccepted, MessageRejected
from app.hl7.order_messages import MessageHeader, header_of, read_orders
from app.orders import repository
from app.orders.first_orders import FirstOrder
from app.orders.models import ReceivedMessage
from app.orders.records import ReceivedOrder
from app.principal import Principal
from app.settings import Settings
from app.workflow.orders import receive_order
from hl7_listener.order_batches import NewOrderBatches

logger = logging.getLogger(__name__)


@dataclass
class OrderDesk:
    """Answers a listener process's messages; its new orders are committed in batches."""

    settings: Settings
    database_url: str
    new_orders: NewOrderBatches

    async def answer(self, raw: bytes, peer: str | None) -> bytes:
        """The acknowledgment of one message's bytes (the MLLP frame's content)."""
        try:
            message = parse(decode_message(raw, self.settings.hl7_default_charset))
            header = header_of(message)
        except Exception as error:  # the parser raises many kinds on broken input
            reason = _why_unreadable(error)
            logger.warning("HL7 message rejected", extra={"reason": reason, "peer": peer})
            return reject_unparsable(_raw_control_id(raw), reason).encode()
        try:
            await self._store(message, header, peer)
            return acknowledge(message, "AA").encode()
        except MessageNotAccepted as error:
            logger.warning(
                "HL7 message not accepted",
                extra={
                    "ack": error.ack_code,
                    "reason": error.reason,
                    "control_id": header.control_id,
                },
            )
            return acknowledge(message, error.ack_code, error.reason).encode()
        except Exception:
            logger.exception("HL7 message failed", extra={"control_id": header.control_id})
            return acknowledge(message, "AE", "internal error; send again later").encode()

    async def _store(self, message: Message, header: MessageHeader, peer: str | None) -> None:
        """Store the message's orders with its answer, once per control id.

        A lone new order whose study has not arrived (most of them) is committed with others in
        one statement; any other message takes a session, where its orders meet their studies.
        """
        orders = read_orders(message, header, self.settings.hl7_accession_fields)
        if len(orders) == 1:
            first = FirstOrder(header.sender, header.control_id, header.message_type, orders[0])
            if await self.new_orders.store(first):
                return
        await asyncio.to_thread(self._store_in_session, orders, header, peer)

    def _store_in_session(
        self, orders: list[ReceivedOrder], header: MessageHeader, peer: str | None
    ) -> None:
        principal = Principal(name=f"hl7:{header.sender}", role=None, source_address=peer)
        with session_scope(self.database_url) as session:
            answered = ReceivedMessage(
                sender=header.sender,
                control_id=header.control_id,
                message_type=header.message_type,
                ack_code="AA",
                ack_text=None,
                received_at=datetime.now(UTC),
            )
            # Inserted first: a second copy sent at the same time waits here for the first's commit.
            if not repository.remember_answer(session, answered):
                logger.info("HL7 message sent again", extra={"control_id": header.control_id})
                return
            for received in orders:
                receive_order(session, principal, self.settings, received)


def _raw_control_id(raw: bytes) -> str:
    """MSH-10 read from the bytes as they are, for the AR of a message that did not parse."""
    header = raw.split(b"\r", 1)[0]
    fields = header.split(header[3:4]) if len(header) > 3 else []
    return fields[9].decode("ascii", errors="replace") if len(fields) > 9 else ""


def _why_unreadable(error: Exception) -> str:
    if isinstance(error, (MessageRejected, UnknownCharset, Undecodable)):
        return str(error)
    return f"the message cannot be read: {type(error).__name__}"
