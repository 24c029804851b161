"""A store response is DICOM JSON unless the Accept header prefers DICOM XML."""

import pytest

from app.dicomweb.media import DICOM_JSON, DICOM_XML, store_answer_type


@pytest.mark.parametrize(
    ("accept", "answered"),
    [
        (None, DICOM_JSON),
        ("*/*", DICOM_JSON),
        ("application/dicom+xml", DICOM_XML),
        ("application/dicom+json, application/dicom+xml", DICOM_JSON),
        ("application/dicom+xml, application/dicom+json", DICOM_XML),
        ("application/dicom+json;q=0.5, application/dicom+xml", DICOM_XML),
        ("application/dicom+xml;q=0.2, application/json", DICOM_JSON),
        ("application/dicom+xml;q=oops, application/dicom+json;q=0.1", DICOM_JSON),
    ],
)
def test_the_answer_type_follows_the_accept_header(accept: str | None, answered: str) -> None:
    assert store_answer_type(accept) == answered
