"""MSH-18 character sets (HL7 table 0211) and the Python codecs that decode them."""

CODEC_OF_CHARSET: dict[str, str] = {
    "ASCII": "ascii",
    "8859/1": "iso8859-1",
    "8859/2": "iso8859-2",
    "8859/3": "iso8859-3",
    "8859/4": "iso8859-4",
    "8859/5": "iso8859-5",
    "8859/6": "iso8859-6",
    "8859/7": "iso8859-7",
    "8859/8": "iso8859-8",
    "8859/9": "iso8859-9",
    "8859/15": "iso8859-15",
    "UNICODE UTF-8": "utf-8",
    "UNICODE": "utf-8",
    "ISO IR6": "ascii",
    "ISO IR100": "iso8859-1",
    "ISO IR192": "utf-8",
    "GB 18030-2000": "gb18030",
    "KS X 1001": "euc-kr",
    "BIG-5": "big5",
}
# No MSH-18 means ASCII by the standard; UTF-8 decodes ASCII and what many senders send anyway,
# unless the department names the set its senders use without saying (`hl7_default_charset`).
DEFAULT_CODEC = "utf-8"
OUR_CHARSET = "UNICODE UTF-8"


class UnknownCharset(ValueError):
    """MSH-18 names a character set we cannot decode."""


def declared_charset(raw: bytes) -> str:
    """MSH-18 read from the undecoded bytes (its first repetition), or "" when absent."""
    header = raw.split(b"\r", 1)[0].split(b"\n", 1)[0]
    if len(header) < 8 or not header.startswith(b"MSH"):
        return ""
    fields = header.split(header[3:4])
    if len(fields) < 18:
        return ""
    repetition = header[5:6] or b"~"
    return fields[17].split(repetition)[0].decode("ascii", errors="replace").strip()


def codec_of(charset: str, default_charset: str = "") -> str:
    """The codec of an MSH-18 value; `default_charset`'s, or UTF-8, when it is empty."""
    if not charset:
        return codec_of(default_charset) if default_charset else DEFAULT_CODEC
    codec = CODEC_OF_CHARSET.get(charset.upper())
    if codec is None:
        raise UnknownCharset(f"MSH-18 character set {charset!r} is not supported")
    return codec


class Undecodable(ValueError):
    """The bytes are not text in the character set MSH-18 names, or in UTF-8 without one."""


def decode_message(raw: bytes, default_charset: str = "") -> str:
    """The message as text, decoded as MSH-18 says, or as `default_charset` (UTF-8 if empty)
    without one; raises UnknownCharset or Undecodable."""
    charset = declared_charset(raw)
    try:
        return raw.decode(codec_of(charset, default_charset))
    except UnicodeDecodeError as error:
        if charset:
            said = f"{charset}, the character set MSH-18 names"
        else:
            unnamed = default_charset or "UTF-8"
            said = f"{unnamed}, as a message without MSH-18 is read: name its character set there"
        raise Undecodable(f"the bytes are not {said} ({error.reason})") from error
