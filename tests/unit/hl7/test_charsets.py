"""Message bytes as text: as MSH-18 says, UTF-8 without it, and a reason when they are not."""

import pytest

from app.hl7.charsets import Undecodable, UnknownCharset, decode_message

HEADER = "MSH|^~\\&|RIS|GENHOSP|WORKLIST|RADIOLOGY|20261206080000||ORM^O01|C1|P|2.3"


def _message(charset: str, name: str, encoding: str) -> bytes:
    msh_18 = f"||||||{charset}" if charset else ""
    return f"{HEADER}{msh_18}\rPID|1||P1||{name}".encode(encoding)


def test_the_bytes_are_read_in_the_declared_set_and_utf8_without_one() -> None:
    assert "MÜLLER" in decode_message(_message("8859/1", "MÜLLER^JÖRG", "latin-1"))
    assert "MÜLLER" in decode_message(_message("", "MÜLLER^JÖRG", "utf-8"))


def test_a_configured_set_reads_messages_without_msh_18_only() -> None:
    assert "MÜLLER" in decode_message(_message("", "MÜLLER^JÖRG", "latin-1"), "8859/1")
    with pytest.raises(Undecodable, match="not UNICODE UTF-8, the character set MSH-18 names"):
        decode_message(_message("UNICODE UTF-8", "MÜLLER^JÖRG", "latin-1"), "8859/1")
    with pytest.raises(Undecodable, match="not ASCII, as a message without MSH-18 is read"):
        decode_message(_message("", "MÜLLER^JÖRG", "latin-1"), "ASCII")


def test_bytes_not_in_the_set_say_which_set_they_were_read_in() -> None:
    with pytest.raises(Undecodable, match="not UTF-8, as a message without MSH-18 is read"):
        decode_message(_message("", "MÜLLER^JÖRG", "latin-1"))
    with pytest.raises(Undecodable, match="not UNICODE UTF-8, the character set MSH-18 names"):
        decode_message(_message("UNICODE UTF-8", "MÜLLER^JÖRG", "latin-1"))
    with pytest.raises(UnknownCharset, match="EBCDIC"):
        decode_message(_message("EBCDIC", "MULLER", "ascii"))
