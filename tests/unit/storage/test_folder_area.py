from pathlib import Path

from app.storage.files import FolderArea
from app.storage.quarantine import quarantine, quarantined, release
from app.storage.store import instance_key


def test_storing_links_the_file_and_never_replaces_an_original(tmp_path: Path) -> None:
    area = FolderArea(tmp_path / "storage")
    first, second = tmp_path / "first.dcm", tmp_path / "second.dcm"
    first.write_bytes(b"original")
    second.write_bytes(b"re-sent")
    key = instance_key("1.2", "1.2.3", "1.2.3.4")

    assert area.put_new(first, key)
    assert not area.put_new(second, key)
    assert (tmp_path / "storage/1.2/1.2.3/1.2.3.4.dcm").read_bytes() == b"original"


def test_objects_leave_out_receptions_and_staged_copies(tmp_path: Path) -> None:
    area = FolderArea(tmp_path)
    for name in ("1/2/3.dcm", ".incoming/tmp1.dcm", "1/2/.3.dcm.abc"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(b"x")
    assert [stored.key for stored in area.objects()] == ["1/2/3.dcm"]


def test_quarantine_keeps_bytes_and_reason_until_released(tmp_path: Path) -> None:
    area = FolderArea(tmp_path / "quarantine")
    received = tmp_path / "received.dcm"
    received.write_bytes(b"garbage")

    name = quarantine(area, received, "cannot parse dataset")

    assert (tmp_path / "quarantine" / name).read_bytes() == b"garbage"
    [listed] = quarantined(area)
    assert (listed.name, listed.reason, listed.size) == (name, "cannot parse dataset", 7)
    release(area, name)
    assert list(area.objects()) == []
