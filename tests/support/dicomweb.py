"""STOW-RS request bodies built by hand, so tests can also build broken ones."""

from io import BytesIO

from pydicom import Dataset

BOUNDARY = "worklist-test-boundary"
STOW_TYPE = f'multipart/related; type="application/dicom"; boundary={BOUNDARY}'


def part10(dataset: Dataset) -> bytes:
    buffer = BytesIO()
    dataset.save_as(buffer, enforce_file_format=True)
    return buffer.getvalue()


def multipart_body(parts: list[tuple[str, bytes]], closed: bool = True) -> bytes:
    body = b"".join(
        f"--{BOUNDARY}\r\nContent-Type: {kind}\r\n\r\n".encode() + content + b"\r\n"
        for kind, content in parts
    )
    return body + (f"--{BOUNDARY}--\r\n".encode() if closed else b"")


def dicom_parts(datasets: list[Dataset]) -> list[tuple[str, bytes]]:
    return [("application/dicom", part10(dataset)) for dataset in datasets]
