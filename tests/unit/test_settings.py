from pathlib import Path

import pytest
from pydantic import ValidationError

from app.settings import Settings


def test_defaults_match_the_documented_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("DATABASE_URL", "WORKLIST_API_PORT", "WORKLIST_DICOM_PORT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("WORKLIST_HOME", "/srv/worklist")
    settings = Settings(_env_file=None)
    assert settings.database_url is None
    assert (settings.api_host, settings.api_port) == ("127.0.0.1", 8000)
    assert (settings.ae_title, settings.dicom_host, settings.dicom_port) == (
        "WORKLIST",
        "127.0.0.1",
        11112,
    )
    assert settings.stable_after == 60
    assert settings.storage_dir == Path("/srv/worklist/storage")
    assert settings.quarantine_dir == Path("/srv/worklist/quarantine")


def test_environment_overrides_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WORKLIST_HOME", "/srv/worklist")
    monkeypatch.setenv("WORKLIST_DICOM_PORT", "104")
    monkeypatch.setenv("WORKLIST_STABLE_AFTER", "1.5")
    settings = Settings(_env_file=None)
    assert settings.home == Path("/srv/worklist")
    assert settings.dicom_port == 104
    assert settings.stable_after == 1.5


def test_ae_title_longer_than_sixteen_characters_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("WORKLIST_AE_TITLE", "A" * 17)
    with pytest.raises(ValidationError, match="1 to 16 characters"):
        Settings(_env_file=None)


def test_home_is_the_per_user_data_folder_not_the_working_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("WORKLIST_HOME", raising=False)
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    assert Settings().home == tmp_path / ".local" / "share" / "reading-worklist"
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert Settings().home == tmp_path / "data" / "reading-worklist"


def test_relative_worklist_home_is_made_absolute(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("WORKLIST_HOME", "var")
    assert Settings().home == tmp_path / "var"


def test_a_dotenv_file_in_the_working_folder_is_not_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("WORKLIST_API_PORT", raising=False)
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text("WORKLIST_API_PORT=9000\n")
    assert Settings().api_port == 8000


def test_accepted_sop_classes_are_read_as_a_list_of_uids(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(
        "WORKLIST_ACCEPTED_SOP_CLASSES", "1.2.840.10008.5.1.4.1.1.4, 1.3.46.670589.11.0.0.12.2"
    )

    assert Settings(_env_file=None).accepted_sop_classes == [
        "1.2.840.10008.5.1.4.1.1.4",
        "1.3.46.670589.11.0.0.12.2",
    ]


def test_an_accepted_sop_class_that_is_not_a_uid_is_refused_by_name(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("WORKLIST_ACCEPTED_SOP_CLASSES", "1.2.840.10008.5.1.4.1.1.4,MR")

    with pytest.raises(ValidationError, match="WORKLIST_ACCEPTED_SOP_CLASSES: 'MR' is not a UID"):
        Settings(_env_file=None)


def test_a_webhook_url_without_a_secret_is_refused() -> None:
    with pytest.raises(ValidationError, match="WORKLIST_WEBHOOK_SECRET"):
        Settings(WORKLIST_WEBHOOK_URL="https://portal.example/hooks")


def test_a_webhook_url_must_be_http() -> None:
    with pytest.raises(ValidationError, match="http"):
        Settings(WORKLIST_WEBHOOK_URL="file:///etc/passwd", WORKLIST_WEBHOOK_SECRET="s")


def test_storage_is_a_folder_url_or_a_bucket(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WORKLIST_HOME", "/srv/worklist")
    monkeypatch.setenv("WORKLIST_STORAGE", "file:///data/dicom")
    assert Settings(_env_file=None).storage_dir == Path("/data/dicom")
    monkeypatch.setenv("WORKLIST_STORAGE", "s3://worklist/site-a/")
    assert Settings(_env_file=None).storage == "s3://worklist/site-a"
    for wrong in ("/data/dicom", "file://relative", "s3://", "gs://bucket"):
        monkeypatch.setenv("WORKLIST_STORAGE", wrong)
        with pytest.raises(ValidationError, match="WORKLIST_STORAGE"):
            Settings(_env_file=None)


def test_the_department_time_zone_is_read_by_its_name_or_the_older_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("WORKLIST_TIMEZONE", raising=False)
    monkeypatch.setenv("WORKLIST_SHIFT_TIMEZONE", "Europe/Paris")
    assert Settings(_env_file=None).zone.key == "Europe/Paris"
    monkeypatch.setenv("WORKLIST_TIMEZONE", "America/New_York")
    assert Settings(_env_file=None).zone.key == "America/New_York"
    monkeypatch.setenv("WORKLIST_TIMEZONE", "Mars/Olympus_Mons")
    with pytest.raises(ValidationError, match="WORKLIST_TIMEZONE: unknown time zone"):
        Settings(_env_file=None)
