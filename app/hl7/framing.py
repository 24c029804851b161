"""MLLP framing (HL7 v2 Appendix C): <VT> message <FS><CR>."""

from dataclasses import dataclass, field

START_BLOCK = b"\x0b"
END_BLOCK = b"\x1c\r"


def frame(message: bytes) -> bytes:
    return START_BLOCK + message + END_BLOCK


@dataclass
class Unframer:
    """The frames of a byte stream, as its bytes arrive in pieces of any size (no I/O of its own).

    Bytes outside a frame are skipped (a sender out of step, or not speaking MLLP). A frame whose
    content passes `max_bytes` is dropped as it arrives and reported as None once it ends, so a
    sender's oversized message costs no more memory than `max_bytes`.
    """

    max_bytes: int
    _content: bytearray = field(default_factory=bytearray)
    _inside: bool = False
    _oversized: bool = False

    def feed(self, data: bytes) -> list[bytes | None]:
        """The frames these bytes end, in order: each one's content, or None when too large."""
        ended: list[bytes | None] = []
        while data:
            if not self._inside:
                start = data.find(START_BLOCK)
                if start < 0:
                    break
                data = data[start + 1 :]
                self._inside = True
            # The end block may be split between two pieces: look from the content's last byte.
            searched_from = max(len(self._content) - 1, 0)
            self._content += data
            end = self._content.find(END_BLOCK, searched_from)
            if end < 0:
                if len(self._content) > self.max_bytes + 1:
                    self._oversized = True
                    del self._content[:-1]
                break
            oversized = self._oversized or end > self.max_bytes
            ended.append(None if oversized else bytes(self._content[:end]))
            data = bytes(self._content[end + len(END_BLOCK) :])
            self._content.clear()
            self._inside = self._oversized = False
        return ended
