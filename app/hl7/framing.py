"""MLLP framing (HL7 v2 Appendix C): <VT> message <FS><CR>."""

START_BLOCK = b"\x0b"
END_BLOCK = b"\x1c\r"


def frame(message: bytes) -> bytes:
    return START_BLOCK + message + END_BLOCK
