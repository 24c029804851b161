"""Which presentation contexts an association gets: the SOP classes we accept, each in the
first transfer syntax the requester proposes that we know."""

from dataclasses import dataclass

from pynetdicom import ALL_TRANSFER_SYNTAXES
from pynetdicom.presentation import PresentationContext
from pynetdicom.service_class import ServiceClass, StorageServiceClass
from pynetdicom.sop_class import uid_to_service_class

VERIFICATION = "1.2.840.10008.1.1"
# A-ASSOCIATE-AC presentation context results (PS3.8 §9.3.3.2).
ACCEPTANCE = 0x00
ABSTRACT_SYNTAX_NOT_SUPPORTED = 0x03
TRANSFER_SYNTAXES_NOT_SUPPORTED = 0x04
TRANSFER_SYNTAXES = frozenset(ALL_TRANSFER_SYNTAXES)


@dataclass(frozen=True)
class SopClassPolicy:
    """The SOP classes accepted: Verification, and `only` when it names some, else every
    storage SOP class, private and unknown ones included (a sender knows what it stores)."""

    only: frozenset[str] = frozenset()

    def accepts(self, sop_class_uid: str) -> bool:
        if sop_class_uid == VERIFICATION:
            return True
        if self.only:
            return sop_class_uid in self.only
        # A UID pynetdicom does not know (a vendor's private class) maps to the base class;
        # a known UID of another service (query, worklist, print...) is refused.
        return uid_to_service_class(sop_class_uid) in (StorageServiceClass, ServiceClass)


def negotiate(
    proposed: list[PresentationContext], policy: SopClassPolicy
) -> list[PresentationContext]:
    """Our answer to each proposed context, in the requester's order of transfer syntaxes."""
    return [_answer(context, policy) for context in proposed]


def _answer(proposed: PresentationContext, policy: SopClassPolicy) -> PresentationContext:
    answer = PresentationContext()
    answer.context_id = proposed.context_id
    answer.abstract_syntax = proposed.abstract_syntax
    offered = [str(uid) for uid in proposed.transfer_syntax]
    chosen = next((uid for uid in offered if uid in TRANSFER_SYNTAXES), None)
    if not policy.accepts(str(proposed.abstract_syntax)):
        answer.result = ABSTRACT_SYNTAX_NOT_SUPPORTED
    elif chosen is None:
        answer.result = TRANSFER_SYNTAXES_NOT_SUPPORTED
    else:
        answer.result = ACCEPTANCE
    answer.transfer_syntax = [chosen or offered[0]] if offered else []
    return answer
