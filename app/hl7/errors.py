"""Why a message is not accepted: the acknowledgment code and the reason it carries."""


class MessageNotAccepted(Exception):
    """A message answered with something other than AA."""

    ack_code = "AE"

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class MessageRejected(MessageNotAccepted):
    """Cannot be parsed, or of a type or version we do not take: AR."""

    ack_code = "AR"


class OrderUnusable(MessageNotAccepted):
    """Parses, but cannot be used as an order (no accession number, unknown order control): AE."""

    ack_code = "AE"
