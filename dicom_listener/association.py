"""One association, accepted and served on the thread that owns its socket.

pynetdicom decodes the A-ASSOCIATE-RQ and negotiates the presentation contexts; the data
transfer phase is ours: each P-DATA-TF is read straight off the socket, data set fragments go
to the reception's file as they arrive, and the answer is written back on the same thread.
That keeps an instance's path free of queues, polling reactors and data set decoding.
"""

import logging
import socket
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple, Protocol

from pynetdicom import PYNETDICOM_IMPLEMENTATION_UID, PYNETDICOM_IMPLEMENTATION_VERSION
from pynetdicom.pdu import A_ASSOCIATE_AC, A_ASSOCIATE_RQ
from pynetdicom.pdu_primitives import (
    A_ASSOCIATE,
    ImplementationClassUIDNotification,
    ImplementationVersionNameNotification,
    MaximumLengthNotification,
)
from pynetdicom.presentation import PresentationContext

from dicom_listener import dimse, pdu
from dicom_listener.negotiation import VERIFICATION, SopClassPolicy, negotiate
from dicom_listener.reception import ReceivedFile, Reception

logger = logging.getLogger(__name__)

DICOM_APPLICATION_CONTEXT = "1.2.840.10008.3.1.1.1"
# An A-ASSOCIATE-RQ proposing every storage class in several transfer syntaxes fits easily.
_MAX_REQUEST_LENGTH = 1024 * 1024
_MAX_COMMAND_LENGTH = 64 * 1024
# How long the peer gets to close the connection after our last PDU.
_CLOSE_WAIT = 2.0
# A refused peer waits this long for its A-ASSOCIATE-RJ. It slows the guessing of AE titles, and
# pynetdicom's requestor, answered within microseconds, can take the rejection for a failed
# connection (its reader closes the socket before it checks that the connect succeeded).
_REJECT_DELAY = 0.1


class Peer(NamedTuple):
    ae_title: str
    address: str


class Receiver(Protocol):
    """What happens to one accepted association's messages."""

    def store(self, received: ReceivedFile) -> dimse.Status: ...

    def unreceived(self, error: OSError) -> dimse.Status: ...

    def ended(self, aborted: bool) -> None: ...


class Refusals(Protocol):
    """Where a refused association is recorded."""

    def rejected(self, peer: Peer, called_ae: str) -> None: ...


class Services(Protocol):
    @property
    def audit(self) -> Refusals: ...

    def accepted(self, peer: Peer) -> Receiver: ...


@dataclass(frozen=True)
class Door:
    """Who may associate, what they may propose, and the limits they live under."""

    ae_title: str
    allowed_calling_aets: frozenset[str]
    max_pdu: int
    acse_timeout: float
    dimse_timeout: float
    network_timeout: float
    incoming_dir: Path
    sop_classes: SopClassPolicy = field(default_factory=SopClassPolicy)

    def refusal(self, request: A_ASSOCIATE, admitted: bool) -> tuple[int, int, int] | None:
        """A-ASSOCIATE-RJ result, source and diagnostic (PS3.8 §9.3.4), or None to accept."""
        if str(request.application_context_name) != DICOM_APPLICATION_CONTEXT:
            return 0x01, 0x01, 0x02
        if request.called_ae_title.strip() != self.ae_title:
            return 0x01, 0x01, 0x07
        calling = request.calling_ae_title.strip()
        if self.allowed_calling_aets and calling not in self.allowed_calling_aets:
            return 0x01, 0x01, 0x03
        if not admitted:
            return 0x02, 0x03, 0x02  # transient: local limit exceeded
        return None


@dataclass
class _Store:
    """A C-STORE whose data set is arriving."""

    context_id: int
    command: dimse.Command
    reception: Reception


class Association:
    def __init__(self, connection: socket.socket, address: str, door: Door) -> None:
        self._connection = connection
        self._address = address
        self._door = door
        self._reader = pdu.PduReader(connection)
        self._contexts: dict[int, PresentationContext] = {}
        self._command = bytearray()
        self._store: _Store | None = None
        self._calling_ae = ""

    def run(self, services: Services, admitted: bool) -> None:
        """Negotiate, then serve messages until release, abort or a broken connection."""
        try:
            receiver = self._negotiate(services, admitted)
        except pdu.ProtocolError as error:
            self._abort(error)
            return
        except (pdu.PeerClosed, OSError):
            return
        if receiver is None:
            return
        aborted = True
        try:
            aborted = self._transfer(receiver)
        finally:
            if self._store is not None:
                self._store.reception.discard()
            receiver.ended(aborted)

    def _negotiate(self, services: Services, admitted: bool) -> Receiver | None:
        kind, body = self._reader.read(self._door.acse_timeout, _MAX_REQUEST_LENGTH)
        if kind != pdu.ASSOCIATE_RQ:
            raise pdu.ProtocolError(
                f"expected A-ASSOCIATE-RQ, got PDU type {kind}", pdu.UNEXPECTED_PDU
            )
        request = _decode_request(self._reader.header() + bytes(body))
        peer = Peer(request.calling_ae_title.strip(), self._address)
        refusal = self._door.refusal(request, admitted)
        if refusal is not None:
            time.sleep(_REJECT_DELAY)
            self._send_last(pdu.associate_reject(*refusal))
            services.audit.rejected(peer, request.called_ae_title.strip())
            return None
        # Role selection items go unanswered: we are the SCP.
        contexts = negotiate(request.presentation_context_definition_list, self._door.sop_classes)
        self._contexts = {
            cx.context_id: cx for cx in contexts if cx.result == 0x00 and cx.context_id is not None
        }
        self._connection.sendall(_accept(request, contexts, self._door.max_pdu))
        self._calling_ae = peer.ae_title
        return services.accepted(peer)

    def _transfer(self, receiver: Receiver) -> bool:
        """Serve P-DATA until the peer releases (False) or the association is aborted (True)."""
        door = self._door
        try:
            while True:
                waiting = door.network_timeout if self._idle else door.dimse_timeout
                kind, body = self._reader.read(waiting, door.max_pdu)
                if kind == pdu.P_DATA_TF:
                    self._on_data(body, receiver)
                elif kind == pdu.RELEASE_RQ and self._idle:
                    self._send_last(pdu.release_response())
                    return False
                elif kind == pdu.ABORT:
                    logger.info("association aborted by the peer", extra={"peer": self._address})
                    return True
                else:
                    raise pdu.ProtocolError(f"unexpected PDU type {kind}", pdu.UNEXPECTED_PDU)
        except (pdu.ProtocolError, dimse.MalformedCommand) as error:
            self._abort(error)
        except TimeoutError:
            self._abort(pdu.ProtocolError("peer silent past the timeout", 0x00))
        except (pdu.PeerClosed, OSError):
            logger.info("connection closed without release", extra={"peer": self._address})
        return True

    @property
    def _idle(self) -> bool:
        return self._store is None and not self._command

    def _on_data(self, body: memoryview, receiver: Receiver) -> None:
        for item in pdu.pdvs(body):
            if item.is_command:
                self._on_command_fragment(item)
            else:
                self._on_dataset_fragment(item, receiver)

    def _on_command_fragment(self, item: pdu.Pdv) -> None:
        if self._store is not None:
            raise pdu.ProtocolError("a command began before the data set of the last one ended")
        if len(self._command) + len(item.fragment) > _MAX_COMMAND_LENGTH:
            raise pdu.ProtocolError("command set too long")
        self._command += item.fragment
        if item.is_last:
            command = dimse.decode_command(bytes(self._command))
            self._command.clear()
            self._on_command(item.context_id, command)

    def _on_command(self, context_id: int, command: dimse.Command) -> None:
        context = self._contexts.get(context_id)
        if context is None:
            raise pdu.ProtocolError(f"presentation context {context_id} was not accepted")
        if command.field == dimse.C_ECHO_RQ and not command.has_dataset:
            self._answer(context_id, dimse.echo_response(command))
        elif command.field == dimse.C_STORE_RQ and command.has_dataset:
            if context.abstract_syntax == VERIFICATION:
                raise pdu.ProtocolError("C-STORE on the Verification context")
            assert context.transfer_syntax[0] is not None  # negotiation chose one
            reception = Reception.of_dataset(
                self._door.incoming_dir,
                command.sop_class_uid,
                command.sop_instance_uid,
                context.transfer_syntax[0],
                self._calling_ae,
            )
            self._store = _Store(context_id, command, reception)
        else:
            raise pdu.ProtocolError(f"unsupported command 0x{command.field:04X}")

    def _on_dataset_fragment(self, item: pdu.Pdv, receiver: Receiver) -> None:
        store = self._store
        if store is None or item.context_id != store.context_id:
            raise pdu.ProtocolError("a data set fragment without its command")
        store.reception.write(item.fragment)
        if not item.is_last:
            return
        self._store = None
        reception = store.reception
        try:
            status = self._file(reception, receiver)
        finally:
            reception.discard()
        self._answer(store.context_id, dimse.store_response(store.command, status))

    @staticmethod
    def _file(reception: Reception, receiver: Receiver) -> dimse.Status:
        try:
            received = reception.finish()
        except OSError as error:  # writing or fsyncing failed: nothing to file
            return receiver.unreceived(error)
        return receiver.store(received)

    def _answer(self, context_id: int, command: bytes) -> None:
        self._connection.sendall(pdu.command_pdu(context_id, command))

    def _abort(self, error: Exception) -> None:
        reason = error.reason if isinstance(error, pdu.ProtocolError) else pdu.INVALID_PARAMETER
        logger.warning(
            "association aborted",
            extra={"peer": self._address, "reason": str(error)[:200]},
        )
        try:
            self._send_last(pdu.abort(reason))
        except OSError:
            pass  # the peer is gone already

    def _send_last(self, last_pdu: bytes) -> None:
        """Send the association's last PDU, then let the peer close first (PS3.8 §9.1.2, ARTIM).

        Closing at once races the peer still reading: a reset can destroy the PDU in flight,
        and an A-ASSOCIATE-RJ would then look like a dropped connection.
        """
        self._connection.sendall(last_pdu)
        self._connection.settimeout(_CLOSE_WAIT)
        try:
            while self._connection.recv(4096):
                pass
        except OSError:
            pass  # silent past the wait, or gone: we close


def _decode_request(encoded: bytes) -> A_ASSOCIATE:
    try:
        request = A_ASSOCIATE_RQ()
        request.decode(encoded)
        primitive = request.to_primitive()
    except Exception as error:  # pynetdicom's decoders raise whatever the bytes provoke
        raise pdu.ProtocolError(f"undecodable A-ASSOCIATE-RQ: {type(error).__name__}") from None
    return primitive


def _accept(
    request: A_ASSOCIATE,
    contexts: list[PresentationContext],
    max_pdu: int,
) -> bytes:
    answer = A_ASSOCIATE()
    answer.application_context_name = request.application_context_name
    answer.calling_ae_title = request.calling_ae_title
    answer.called_ae_title = request.called_ae_title
    answer.result = 0x00
    answer.result_source = 0x01
    answer.presentation_context_definition_results_list = contexts
    maximum = MaximumLengthNotification()
    maximum.maximum_length_received = max_pdu
    implementation = ImplementationClassUIDNotification()
    implementation.implementation_class_uid = PYNETDICOM_IMPLEMENTATION_UID
    version = ImplementationVersionNameNotification()
    version.implementation_version_name = PYNETDICOM_IMPLEMENTATION_VERSION
    answer.user_information = [maximum, implementation, version]
    encoded = A_ASSOCIATE_AC()
    encoded.from_primitive(answer)
    return bytes(encoded.encode())
