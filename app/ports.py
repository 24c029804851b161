"""The ports a command will listen on, checked before anything starts."""

import socket
from dataclasses import dataclass

from app.settings import Settings


@dataclass(frozen=True)
class Port:
    host: str
    number: int
    purpose: str
    variable: str

    def in_use(self) -> bool:
        """Whether another process listens there (a server binding it now would fail)."""
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        try:
            socket.create_server((self.host, self.number), family=family).close()
        except OSError:
            return True
        return False

    def refusal(self) -> str:
        return (
            f"worklist: port {self.number} on {self.host} ({self.purpose}) is already in use; "
            f"stop what listens there or set {self.variable} to another port"
        )


def ports_of(settings: Settings, parts: tuple[str, ...]) -> list[Port]:
    """The ports `parts` (api, listener, worker, supervisor) listen on; 0 means not at all."""
    candidates = {
        "api": [(settings.api_host, settings.api_port, "the API", "WORKLIST_API_PORT")],
        "listener": [
            (settings.dicom_host, settings.dicom_port, "DICOM", "WORKLIST_DICOM_PORT"),
            (
                settings.dicom_host,
                settings.listener_metrics_port,
                "the listener's metrics",
                "WORKLIST_LISTENER_METRICS_PORT",
            ),
        ],
        "worker": [
            (
                settings.api_host,
                settings.worker_metrics_port,
                "the worker's metrics",
                "WORKLIST_WORKER_METRICS_PORT",
            )
        ],
        "hl7": [(settings.hl7_host, settings.hl7_port, "HL7 (MLLP)", "WORKLIST_HL7_PORT")],
        "supervisor": [
            (
                settings.api_host,
                settings.supervisor_metrics_port,
                "the metrics of `worklist up`",
                "WORKLIST_SUPERVISOR_METRICS_PORT",
            )
        ],
    }
    return [Port(*port) for part in parts for port in candidates[part] if port[1] != 0]


def first_port_in_use(settings: Settings, parts: tuple[str, ...]) -> Port | None:
    return next((port for port in ports_of(settings, parts) if port.in_use()), None)
