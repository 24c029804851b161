"""The one typed settings object, read from the environment and an optional `.env`."""

from functools import lru_cache
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    home: Path = Field(default=Path("./var"), validation_alias="WORKLIST_HOME")
    database_url: str | None = Field(default=None, validation_alias="DATABASE_URL")

    api_host: str = Field(default="127.0.0.1", validation_alias="WORKLIST_API_HOST")
    api_port: int = Field(default=8000, ge=1, le=65535, validation_alias="WORKLIST_API_PORT")

    ae_title: str = Field(default="WORKLIST", validation_alias="WORKLIST_AE_TITLE")
    dicom_host: str = Field(default="127.0.0.1", validation_alias="WORKLIST_DICOM_HOST")
    dicom_port: int = Field(default=11112, ge=1, le=65535, validation_alias="WORKLIST_DICOM_PORT")
    listener_metrics_port: int = Field(
        default=9112, ge=0, le=65535, validation_alias="WORKLIST_LISTENER_METRICS_PORT"
    )

    worker_metrics_port: int = Field(
        default=9113, ge=0, le=65535, validation_alias="WORKLIST_WORKER_METRICS_PORT"
    )

    stable_after: float = Field(default=60.0, gt=0, validation_alias="WORKLIST_STABLE_AFTER")

    max_body_bytes: int = Field(
        default=1_048_576, ge=1024, validation_alias="WORKLIST_MAX_BODY_BYTES"
    )
    poll_rate_per_minute: int = Field(
        default=120, ge=0, validation_alias="WORKLIST_POLL_RATE_PER_MINUTE"
    )
    poll_burst: int = Field(default=30, ge=1, validation_alias="WORKLIST_POLL_BURST")

    log_format: str = Field(default="auto", validation_alias="WORKLIST_LOG_FORMAT")
    log_level: str = Field(default="INFO", validation_alias="WORKLIST_LOG_LEVEL")

    @field_validator("ae_title")
    @classmethod
    def _ae_title_fits_dicom(cls, value: str) -> str:
        value = value.strip()
        if not 1 <= len(value) <= 16:
            raise ValueError("an AE title has 1 to 16 characters")
        return value

    @field_validator("log_format")
    @classmethod
    def _known_log_format(cls, value: str) -> str:
        if value not in {"auto", "json", "console"}:
            raise ValueError("WORKLIST_LOG_FORMAT is one of auto, json, console")
        return value

    @property
    def storage_dir(self) -> Path:
        return self.home / "storage"

    @property
    def quarantine_dir(self) -> Path:
        return self.home / "quarantine"

    @property
    def embedded_pgdata(self) -> Path:
        return self.home / "pgdata"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
