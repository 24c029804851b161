"""The HL7 settings: lists from comma-separated text, and a clear refusal of what cannot work."""

from datetime import timedelta

import pytest
from pydantic import ValidationError

from app.settings import Settings


def test_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("WORKLIST_HL7_HOST", "WORKLIST_HL7_PORT", "WORKLIST_HL7_DESTINATIONS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("WORKLIST_HL7_ACCESSION_FIELDS", raising=False)
    monkeypatch.delenv("WORKLIST_ORDER_EXPIRY", raising=False)
    settings = Settings(_env_file=None)
    assert (settings.hl7_host, settings.hl7_port) == ("127.0.0.1", 2575)
    assert settings.hl7_accession_fields == ["IPC-1", "OBR-18", "ORC-3"]
    assert settings.hl7_destinations == []
    assert settings.order_expiry == timedelta(days=30)


def test_lists_are_read_from_comma_separated_text() -> None:
    settings = Settings(
        WORKLIST_HL7_DESTINATIONS="ris.example:2576, 10.0.0.5:6661",
        WORKLIST_HL7_ACCESSION_FIELDS="obr-18,ORC-2",
        WORKLIST_ORDER_EXPIRY="P7D",
    )
    assert settings.hl7_destinations == ["ris.example:2576", "10.0.0.5:6661"]
    assert settings.hl7_accession_fields == ["OBR-18", "ORC-2"]
    assert settings.order_expiry == timedelta(days=7)


@pytest.mark.parametrize(
    ("variable", "value", "named"),
    [
        ("WORKLIST_HL7_DESTINATIONS", "ris.example", "WORKLIST_HL7_DESTINATIONS"),
        ("WORKLIST_HL7_DESTINATIONS", "ris.example:99999", "WORKLIST_HL7_DESTINATIONS"),
        ("WORKLIST_HL7_ACCESSION_FIELDS", "PID-3", "WORKLIST_HL7_ACCESSION_FIELDS"),
    ],
)
def test_unusable_values_are_refused_by_name(variable: str, value: str, named: str) -> None:
    with pytest.raises(ValidationError, match=named):
        Settings(**{variable: value})  # type: ignore[arg-type]
