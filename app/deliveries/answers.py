"""What every transport of the outbox gives back: an answer, or a failure to retry later."""

from dataclasses import dataclass
from typing import Protocol, Self


class DeliveryFailed(Exception):
    """The destination could not be reached, or did not answer in a way that settles the message."""


@dataclass(frozen=True, slots=True)
class Acknowledgment:
    code: str  # HL7: AA, AE, AR (CA, CE, CR in enhanced mode); HTTP: the status code
    text: str
    accepted: bool


class Connection(Protocol):
    """A connection to one destination, reused for the messages sent to it in one run."""

    def __enter__(self) -> Self: ...

    def __exit__(self, *_: object) -> None: ...

    def send(self, payload: str) -> Acknowledgment:
        """The destination's answer; `DeliveryFailed` when there is none worth keeping."""
        ...
