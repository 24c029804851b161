"""The media types of DICOMweb requests: what a store request's Content-Type must say."""

from dataclasses import dataclass

from python_multipart.multipart import parse_options_header

DICOM = "application/dicom"
DICOM_JSON = "application/dicom+json"
DICOM_XML = "application/dicom+xml"
MULTIPART_RELATED = "multipart/related"
FORM_DATA = "multipart/form-data"


class UnsupportedMediaType(Exception):
    """The request's body is not one this service can store (415)."""


class MalformedRequest(Exception):
    """The request's body does not parse as it says it is (400)."""


@dataclass(frozen=True)
class StoreBody:
    boundary: bytes


def store_body(content_type: str | None) -> StoreBody:
    """The boundary of a `multipart/related; type="application/dicom"` body, or why not."""
    if not content_type:
        raise UnsupportedMediaType(f'a store request is {MULTIPART_RELATED}; type="{DICOM}"')
    media, options = parse_options_header(content_type)
    if media.decode("latin-1").lower() != MULTIPART_RELATED:
        raise UnsupportedMediaType(
            f'{media.decode("latin-1")} cannot be stored: send {MULTIPART_RELATED}; type="{DICOM}"'
        )
    part_type = options.get(b"type", DICOM.encode()).decode("latin-1").lower()
    if part_type != DICOM:
        raise UnsupportedMediaType(f"parts of type {part_type} cannot be stored: send {DICOM}")
    boundary = options.get(b"boundary")
    if not boundary:
        raise MalformedRequest("the Content-Type names no multipart boundary")
    return StoreBody(boundary)


def part_media_type(value: bytes) -> str:
    media, _ = parse_options_header(value)
    return media.decode("latin-1").lower()


def form_boundary(content_type: str | None) -> bytes:
    """The boundary of a `multipart/form-data` body, or why not."""
    media, options = parse_options_header(content_type or "")
    if media.decode("latin-1").lower() != FORM_DATA:
        raise UnsupportedMediaType(f"an upload is {FORM_DATA}, with one file field per file")
    boundary = options.get(b"boundary")
    if not boundary:
        raise MalformedRequest("the Content-Type names no multipart boundary")
    return boundary


def store_answer_type(accept: str | None) -> str:
    """The media type of a store response: DICOM XML when the Accept header prefers it to DICOM
    JSON (by quality, then by order), DICOM JSON otherwise (the default of PS3.18 §10.5)."""
    best, best_rank = DICOM_JSON, (0.0, 0)
    for position, entry in enumerate((accept or "").split(",")):
        media, options = parse_options_header(entry.strip())
        named = media.decode("latin-1").lower()
        kind = DICOM_XML if named == DICOM_XML else DICOM_JSON
        if named not in (DICOM_XML, DICOM_JSON, "application/json"):
            continue
        rank = (_quality(options.get(b"q")), -position)
        if rank > best_rank:
            best, best_rank = kind, rank
    return best


def _quality(value: bytes | None) -> float:
    try:
        return float(value) if value is not None else 1.0
    except ValueError:
        return 0.0
