"""Uploads: files and zips of DICOM streamed to disk and filed like C-STORE, with every file
that was not stored listed with why, and zips that try tricks refused."""

import io
import random
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.settings import Settings
from app.studies.models import Instance, Study
from app.vocabulary import Role
from dicom_listener.samples import KNEE_MR, study_datasets
from tests.support.dicomweb import part10


def _headers(make_token: Callable[..., str]) -> dict[str, str]:
    return {"Authorization": f"Bearer {make_token(Role.INTEGRATION, name='INTAKE')}"}


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _instances(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Instance)) or 0


# pydicom's, about the broken file the zip holds on purpose
@pytest.mark.filterwarnings("ignore:End of file reached before delimiter:UserWarning")
def test_a_zip_of_nested_folders_is_stored_and_every_other_file_is_listed(
    client: TestClient, make_token: Callable[..., str], session: Session, settings: Settings
) -> None:
    datasets = list(study_datasets(KNEE_MR))[:4]
    cd = _zip(
        {
            "DICOMDIR": b"\0" * 200,
            "README.TXT": b"Burned by the clinic's PACS",
            **{f"IMAGES/S{i // 2}/IM{i}": part10(ds) for i, ds in enumerate(datasets[:3])},
            "IMAGES/BROKEN": bytes(128) + b"DICM" + b"\xff" * 64,
        }
    )
    files = [("files", ("cd.zip", cd)), ("files", ("last.dcm", part10(datasets[3])))]

    answer = client.post("/api/v1/uploads", files=files, headers=_headers(make_token))

    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["stored"] == 4
    (study,) = body["studies"]
    assert study["study_instance_uid"] == datasets[0].StudyInstanceUID
    assert sum(series["instances"] for series in study["series"]) == 4
    assert {item["name"] for item in body["skipped"]} == {"cd.zip/DICOMDIR", "cd.zip/README.TXT"}
    assert [item["name"] for item in body["refused"]] == ["cd.zip/IMAGES/BROKEN"]
    assert _instances(session) == 4
    assert session.scalars(select(Study)).one().source_ae_title == "INTAKE"
    assert not list((settings.storage_dir / ".incoming").iterdir())


def test_zip_bombs_and_path_tricks_are_refused_and_no_name_becomes_a_path(
    client: TestClient,
    make_token: Callable[..., str],
    session: Session,
    settings: Settings,
    tmp_path: Path,
) -> None:
    (dataset,) = list(study_datasets(KNEE_MR))[:1]
    tricks = _zip(
        {
            "../../escaped.dcm": part10(dataset),
            "/etc/absolute.txt": b"hello",
            "bomb.bin": b"\0" * (50 * 1024 * 1024),
        }
    )
    files = [("files", ("tricks.zip", tricks)), ("files", ("damaged.zip", b"PK\x03\x04junk"))]

    answer = client.post("/api/v1/uploads", files=files, headers=_headers(make_token))

    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["stored"] == 1  # stored under its UIDs, never under its name
    refused = {item["name"]: item["reason"] for item in body["refused"]}
    assert "zip bomb" in refused["tricks.zip/bomb.bin"]
    assert "damaged zip" in refused["damaged.zip"]
    assert [item["name"] for item in body["skipped"]] == ["tricks.zip//etc/absolute.txt"]
    assert not list(settings.home.parent.rglob("escaped.dcm"))
    assert not list(settings.home.rglob("absolute.txt"))


def _damaged(entries: dict[str, bytes], damage: Callable[[bytearray, int], None]) -> bytes:
    """A zip whose first entry's compressed bytes are damaged by `damage(zip, where)`."""
    damaged = bytearray(_zip(entries))
    name_length, extra_length = damaged[26] | damaged[27] << 8, damaged[28] | damaged[29] << 8
    damage(damaged, 30 + name_length + extra_length)  # where the first entry's data begins
    return bytes(damaged)


def _invalid_deflate(zip_bytes: bytearray, where: int) -> None:
    zip_bytes[where] = 0xFF  # a block type deflate does not have


def _wrong_checksum(zip_bytes: bytearray, where: int) -> None:
    zip_bytes[where + 40] ^= 0x01  # inflates, to bytes whose CRC-32 differs


def test_a_damaged_entry_is_refused_by_name_and_the_other_entries_are_stored(
    client: TestClient, make_token: Callable[..., str], session: Session, settings: Settings
) -> None:
    first, second = list(study_datasets(KNEE_MR))[:2]
    noise = random.Random(7).randbytes(200_000)  # compresses too little to look like a bomb
    files = [
        ("files", (f"{name}.zip", _damaged({"A.dcm": noise, "B.dcm": part10(kept)}, damage)))
        for name, damage, kept in (("deflate", _invalid_deflate, first),
                                   ("checksum", _wrong_checksum, second))
    ]  # fmt: skip

    answer = client.post("/api/v1/uploads", files=files, headers=_headers(make_token))

    assert answer.status_code == 200, answer.text
    body = answer.json()
    refused = {item["name"]: item["reason"] for item in body["refused"]}
    assert refused.keys() == {"deflate.zip/A.dcm", "checksum.zip/A.dcm"}
    assert all(reason.startswith("cannot be unpacked") for reason in refused.values())
    assert body["stored"] == 2
    assert _instances(session) == 2
    assert not list((settings.storage_dir / ".incoming").iterdir())  # nothing half-inflated kept


def test_an_upload_that_is_not_a_form_is_refused(
    client: TestClient, make_token: Callable[..., str]
) -> None:
    auth = _headers(make_token)
    wrong = client.post(
        "/api/v1/uploads", content=b"{}", headers={**auth, "Content-Type": "application/json"}
    )
    truncated = client.post(
        "/api/v1/uploads",
        content=b"--b\r\nContent-Disposition: form-data; name=files; filename=a.dcm\r\n\r\nDICM",
        headers={**auth, "Content-Type": "multipart/form-data; boundary=b"},
    )

    assert wrong.status_code == 415
    assert truncated.status_code == 400
