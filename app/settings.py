"""The one typed settings object, read from the environment.

No `.env` file is read from the working folder: every command finds the same home and database
wherever it is run. Put settings in the environment of the service (a systemd `EnvironmentFile=`,
Compose's `env_file:`, or `set -a; . ./worklist.env; set +a` in a shell).
"""

import os
import re
from datetime import timedelta
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AliasChoices, Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

# A DICOM UID (PS3.5 §9.1): numeric components without leading zeros, dot-separated.
_UID = re.compile(r"(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore")

    home: Path = Field(default_factory=lambda: default_home(), validation_alias="WORKLIST_HOME")
    database_url: str | None = Field(default=None, validation_alias="DATABASE_URL")

    api_host: str = Field(default="127.0.0.1", validation_alias="WORKLIST_API_HOST")
    api_port: int = Field(default=8000, ge=1, le=65535, validation_alias="WORKLIST_API_PORT")
    # Where /readyz looks for the DICOM listener ("host:port"); unset means the listener's own
    # address on this host, "off" that the API's readiness does not depend on a listener.
    ready_dicom_address: str | None = Field(
        default=None, validation_alias="WORKLIST_READY_DICOM_ADDRESS"
    )
    # How long a thread may hold the interpreter while others wait (Python's default is 5 ms).
    # API threads mostly wait for Postgres, and each reply makes a thread wait for the interpreter
    # again, up to this long while another thread computes: shorter cuts tail latency.
    api_switch_interval: float = Field(
        default=0.001, gt=0, le=1, validation_alias="WORKLIST_API_SWITCH_INTERVAL"
    )
    # API processes sharing the port, each with its own pool of up to 30 connections. One per
    # core keeps the tail short under many polling clients: a request waits for the interpreter
    # only behind the requests of its own process.
    api_processes: int = Field(default=1, ge=1, le=16, validation_alias="WORKLIST_API_PROCESSES")

    # Where people reach the pages, for the links `worklist user create` prints; unset: the API's
    # own address.
    public_url: str | None = Field(default=None, validation_alias="WORKLIST_PUBLIC_URL")
    # A case's "Open in viewer" link, e.g. "https://pacs/viewer?StudyInstanceUIDs={study_instance_uid}"
    viewer_url: str | None = Field(default=None, validation_alias="WORKLIST_VIEWER_URL")

    ae_title: str = Field(default="WORKLIST", validation_alias="WORKLIST_AE_TITLE")
    dicom_host: str = Field(default="127.0.0.1", validation_alias="WORKLIST_DICOM_HOST")
    dicom_port: int = Field(default=11112, ge=1, le=65535, validation_alias="WORKLIST_DICOM_PORT")
    listener_metrics_port: int = Field(
        default=9112, ge=0, le=65535, validation_alias="WORKLIST_LISTENER_METRICS_PORT"
    )

    allowed_calling_aets: Annotated[list[str], NoDecode] = Field(
        default_factory=list, validation_alias="WORKLIST_ALLOWED_CALLING_AETS"
    )
    # Senders whose patient ids are not the hospital's (an outside clinic's PACS): their studies
    # keep the sender's issuer, like those arriving over DICOMweb or uploaded.
    outside_calling_aets: Annotated[list[str], NoDecode] = Field(
        default_factory=list, validation_alias="WORKLIST_OUTSIDE_CALLING_AETS"
    )
    # Empty: every storage SOP class a sender proposes, private ones included.
    accepted_sop_classes: Annotated[list[str], NoDecode] = Field(
        default_factory=list, validation_alias="WORKLIST_ACCEPTED_SOP_CLASSES"
    )
    tls_cert: Path | None = Field(default=None, validation_alias="WORKLIST_TLS_CERT")
    tls_key: Path | None = Field(default=None, validation_alias="WORKLIST_TLS_KEY")
    tls_ca: Path | None = Field(default=None, validation_alias="WORKLIST_TLS_CA")
    max_associations: int = Field(default=16, ge=1, validation_alias="WORKLIST_MAX_ASSOCIATIONS")
    acse_timeout: float = Field(default=30.0, gt=0, validation_alias="WORKLIST_ACSE_TIMEOUT")
    dimse_timeout: float = Field(default=60.0, gt=0, validation_alias="WORKLIST_DIMSE_TIMEOUT")
    network_timeout: float = Field(default=120.0, gt=0, validation_alias="WORKLIST_NETWORK_TIMEOUT")
    max_pdu: int = Field(default=262144, ge=4096, validation_alias="WORKLIST_MAX_PDU")
    listener_processes: int = Field(
        default=1, ge=1, le=64, validation_alias="WORKLIST_LISTENER_PROCESSES"
    )

    worker_metrics_port: int = Field(
        default=9113, ge=0, le=65535, validation_alias="WORKLIST_WORKER_METRICS_PORT"
    )
    supervisor_metrics_port: int = Field(
        default=9114, ge=0, le=65535, validation_alias="WORKLIST_SUPERVISOR_METRICS_PORT"
    )

    stable_after: float = Field(default=60.0, gt=0, validation_alias="WORKLIST_STABLE_AFTER")
    stability_sweep_interval: float = Field(
        default=5.0, gt=0, validation_alias="WORKLIST_STABILITY_SWEEP_INTERVAL"
    )
    # Studies marked stable, routed and assigned per transaction. Small enough that a study does
    # not wait long for the rest of its batch (about 30 ms for 20 on two cores); large enough
    # that each statement serves many studies.
    stability_batch: int = Field(
        default=20, ge=1, le=1000, validation_alias="WORKLIST_STABILITY_BATCH"
    )

    max_body_bytes: int = Field(
        default=1_048_576, ge=1024, validation_alias="WORKLIST_MAX_BODY_BYTES"
    )
    poll_rate_per_minute: int = Field(
        default=120, ge=0, validation_alias="WORKLIST_POLL_RATE_PER_MINUTE"
    )
    poll_burst: int = Field(default=30, ge=1, validation_alias="WORKLIST_POLL_BURST")

    sla_stat_hours: float = Field(default=1.0, gt=0, validation_alias="WORKLIST_SLA_STAT_HOURS")
    sla_urgent_hours: float = Field(default=4.0, gt=0, validation_alias="WORKLIST_SLA_URGENT_HOURS")
    sla_routine_hours: float = Field(
        default=24.0, gt=0, validation_alias="WORKLIST_SLA_ROUTINE_HOURS"
    )
    sla_second_opinion_hours: float = Field(
        default=72.0, gt=0, validation_alias="WORKLIST_SLA_SECOND_OPINION_HOURS"
    )
    # The due time of an outside second-opinion request, per service level it was asked with.
    sla_24h_hours: float = Field(default=24.0, gt=0, validation_alias="WORKLIST_SLA_24H_HOURS")
    sla_48h_hours: float = Field(default=48.0, gt=0, validation_alias="WORKLIST_SLA_48H_HOURS")
    sla_72h_hours: float = Field(default=72.0, gt=0, validation_alias="WORKLIST_SLA_72H_HOURS")
    fallback_subspecialty: str = Field(
        default="GENERAL", validation_alias="WORKLIST_FALLBACK_SUBSPECIALTY"
    )
    # The department's clock, for shift windows and for rules' time windows and weekdays; the
    # older name is still read.
    timezone: str = Field(
        default="UTC",
        validation_alias=AliasChoices("WORKLIST_TIMEZONE", "WORKLIST_SHIFT_TIMEZONE"),
    )
    assign_interval: float = Field(default=5.0, gt=0, validation_alias="WORKLIST_ASSIGN_INTERVAL")
    escalate_interval: float = Field(
        default=30.0, gt=0, validation_alias="WORKLIST_ESCALATE_INTERVAL"
    )
    task_lease: float = Field(default=1800.0, gt=0, validation_alias="WORKLIST_TASK_LEASE")
    lease_check_interval: float = Field(
        default=30.0, gt=0, validation_alias="WORKLIST_LEASE_CHECK_INTERVAL"
    )
    skip_cooldown: float = Field(default=900.0, ge=0, validation_alias="WORKLIST_SKIP_COOLDOWN")

    hl7_host: str = Field(default="127.0.0.1", validation_alias="WORKLIST_HL7_HOST")
    hl7_port: int = Field(default=2575, ge=1, le=65535, validation_alias="WORKLIST_HL7_PORT")
    hl7_timeout: float = Field(default=60.0, gt=0, validation_alias="WORKLIST_HL7_TIMEOUT")
    # Listener processes sharing the HL7 port. One process stores about 2,700 orders/s on a
    # 2-core machine; a second helps only where cores are left beside the database's.
    hl7_processes: int = Field(default=1, ge=1, le=64, validation_alias="WORKLIST_HL7_PROCESSES")
    hl7_max_message_bytes: int = Field(
        default=1_048_576, ge=1024, validation_alias="WORKLIST_HL7_MAX_MESSAGE_BYTES"
    )
    # The MSH-18 character set of messages that leave MSH-18 empty ("": UTF-8); a name the
    # HL7 listener does not know stops it at start.
    hl7_default_charset: str = Field(default="", validation_alias="WORKLIST_HL7_DEFAULT_CHARSET")
    # Where an order's accession number is read, first non-empty wins (IHE SWF: OBR-18, IPC-1).
    hl7_accession_fields: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["IPC-1", "OBR-18", "ORC-3"],
        validation_alias="WORKLIST_HL7_ACCESSION_FIELDS",
    )
    # MLLP receivers of our ORU^R01 reports, host:port, comma-separated.
    hl7_destinations: Annotated[list[str], NoDecode] = Field(
        default_factory=list, validation_alias="WORKLIST_HL7_DESTINATIONS"
    )
    hl7_delivery_interval: float = Field(
        default=2.0, gt=0, validation_alias="WORKLIST_HL7_DELIVERY_INTERVAL"
    )
    # Where second-opinion request changes are POSTed, signed with the secret (HMAC-SHA256).
    webhook_url: str | None = Field(default=None, validation_alias="WORKLIST_WEBHOOK_URL")
    webhook_secret: str | None = Field(default=None, validation_alias="WORKLIST_WEBHOOK_SECRET")
    # Orders without a study after this long are listed for a person to look at (never deleted).
    order_expiry: timedelta = Field(
        default=timedelta(days=30), validation_alias="WORKLIST_ORDER_EXPIRY"
    )

    # Where received instances and the quarantine live: file:///path, or s3://bucket/prefix
    # (endpoint, region and credentials as every AWS client reads them).
    storage: str = Field(default="", validation_alias="WORKLIST_STORAGE")
    s3_endpoint: str | None = Field(default=None, validation_alias="WORKLIST_S3_ENDPOINT")
    s3_addressing_style: Literal["auto", "path", "virtual"] = Field(
        default="auto", validation_alias="WORKLIST_S3_ADDRESSING_STYLE"
    )
    s3_timeout: float = Field(default=10.0, gt=0, validation_alias="WORKLIST_S3_TIMEOUT")

    log_format: str = Field(default="auto", validation_alias="WORKLIST_LOG_FORMAT")
    log_level: str = Field(default="INFO", validation_alias="WORKLIST_LOG_LEVEL")

    @field_validator("home")
    @classmethod
    def _absolute_home(cls, value: Path) -> Path:
        return value.expanduser().absolute()

    @field_validator("ae_title")
    @classmethod
    def _ae_title_fits_dicom(cls, value: str) -> str:
        value = value.strip()
        if not 1 <= len(value) <= 16:
            raise ValueError("an AE title has 1 to 16 characters")
        return value

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"WORKLIST_TIMEZONE: unknown time zone {value!r}") from None
        return value

    @field_validator("allowed_calling_aets", "outside_calling_aets", mode="before")
    @classmethod
    def _split_ae_titles(cls, value: object) -> object:
        if isinstance(value, str):
            return [title.strip() for title in value.split(",") if title.strip()]
        return value

    @field_validator("accepted_sop_classes", mode="before")
    @classmethod
    def _split_sop_classes(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        uids = [uid.strip() for uid in value.split(",") if uid.strip()]
        for uid in uids:
            if len(uid) > 64 or not _UID.fullmatch(uid):
                raise ValueError(f"WORKLIST_ACCEPTED_SOP_CLASSES: {uid!r} is not a UID")
        return uids

    @field_validator("hl7_accession_fields", "hl7_destinations", mode="before")
    @classmethod
    def _split_list(cls, value: object) -> object:
        if isinstance(value, str):
            return [item.strip() for item in value.split(",") if item.strip()]
        return value

    @field_validator("hl7_accession_fields")
    @classmethod
    def _known_accession_fields(cls, value: list[str]) -> list[str]:
        known = {"IPC-1", "OBR-18", "OBR-19", "OBR-20", "ORC-2", "ORC-3", "OBR-2", "OBR-3"}
        unknown = [name for name in value if name.upper() not in known]
        if unknown or not value:
            raise ValueError(f"WORKLIST_HL7_ACCESSION_FIELDS: use some of {sorted(known)}")
        return [name.upper() for name in value]

    @field_validator("hl7_destinations")
    @classmethod
    def _destinations_are_host_and_port(cls, value: list[str]) -> list[str]:
        for destination in value:
            if not _is_host_and_port(destination):
                raise ValueError(f"WORKLIST_HL7_DESTINATIONS: {destination!r} is not host:port")
        return value

    @model_validator(mode="after")
    def _tls_cert_and_key_together(self) -> "Settings":
        if (self.tls_cert is None) != (self.tls_key is None):
            raise ValueError("WORKLIST_TLS_CERT and WORKLIST_TLS_KEY are set together")
        return self

    @model_validator(mode="after")
    def _webhook_url_is_signed(self) -> "Settings":
        if self.webhook_url and not self.webhook_url.startswith(("http://", "https://")):
            raise ValueError("WORKLIST_WEBHOOK_URL is an http:// or https:// URL")
        if self.webhook_url and not self.webhook_secret:
            raise ValueError("WORKLIST_WEBHOOK_URL needs WORKLIST_WEBHOOK_SECRET to sign with")
        return self

    @field_validator("ready_dicom_address")
    @classmethod
    def _ready_address_is_host_and_port(cls, value: str | None) -> str | None:
        if value in (None, "", "off"):
            return value or None
        if not _is_host_and_port(value):
            raise ValueError("WORKLIST_READY_DICOM_ADDRESS is host:port, or off")
        return value

    @field_validator("storage")
    @classmethod
    def _storage_is_a_folder_or_bucket(cls, value: str) -> str:
        value = value.strip()
        folder = value.removeprefix("file://")
        bucket = value.removeprefix("s3://").partition("/")[0]
        if value and not (
            (value.startswith("file://") and folder.startswith("/"))
            or (value.startswith("s3://") and bucket)
        ):
            raise ValueError("WORKLIST_STORAGE is file:///absolute/path or s3://bucket/prefix")
        return value.rstrip("/") if value.startswith("s3://") else value

    @field_validator("log_format")
    @classmethod
    def _known_log_format(cls, value: str) -> str:
        if value not in {"auto", "json", "console"}:
            raise ValueError("WORKLIST_LOG_FORMAT is one of auto, json, console")
        return value

    @property
    def zone(self) -> ZoneInfo:
        """The department's time zone (`WORKLIST_TIMEZONE`)."""
        return ZoneInfo(self.timezone)

    @property
    def pages_url(self) -> str:
        return (self.public_url or f"http://{self.api_host}:{self.api_port}").rstrip("/")

    @property
    def storage_dir(self) -> Path:
        """The folder of file storage: `WORKLIST_STORAGE`'s path, else `<home>/storage`."""
        if self.storage.startswith("file://"):
            return Path(self.storage.removeprefix("file://"))
        return self.home / "storage"

    @property
    def quarantine_dir(self) -> Path:
        return self.home / "quarantine"

    @property
    def tls_enabled(self) -> bool:
        return self.tls_cert is not None

    @property
    def embedded_pgdata(self) -> Path:
        return self.home / "pgdata"

    @property
    def listener_address_for_readiness(self) -> tuple[str, int] | None:
        """Where /readyz checks that the DICOM listener accepts connections, if anywhere."""
        configured = self.ready_dicom_address
        if configured == "off":
            return None
        if configured:
            host, _, port = configured.rpartition(":")
            return host, int(port)
        wildcard = self.dicom_host in {"0.0.0.0", "::", ""}
        return ("127.0.0.1" if wildcard else self.dicom_host), self.dicom_port


def default_home() -> Path:
    """The per-user data folder (XDG): `$XDG_DATA_HOME/reading-worklist`, else
    `~/.local/share/reading-worklist`, the same for root as for anyone."""
    data_home = os.environ.get("XDG_DATA_HOME", "")
    base = Path(data_home) if os.path.isabs(data_home) else Path.home() / ".local" / "share"
    return base / "reading-worklist"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()


def _is_host_and_port(value: str) -> bool:
    host, _, port = value.rpartition(":")
    return bool(host) and port.isdigit() and 1 <= int(port) <= 65535
