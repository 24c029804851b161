"""The README tells a newcomer every command and every setting there is."""

from pathlib import Path
from typing import Any

import typer
from pydantic import AliasChoices

from app.cli import cli
from app.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _command_lines(command: Any, prefix: str = "worklist") -> list[str]:
    """Every leaf command of a group, with the words that call it."""
    lines = []
    for name, sub in command.commands.items():
        if hasattr(sub, "commands"):
            lines += _command_lines(sub, f"{prefix} {name}")
        else:
            lines.append(f"{prefix} {name}")
    return lines


def test_every_command_is_in_the_commands_table() -> None:
    commands = _command_lines(typer.main.get_command(cli))
    assert len(commands) >= 12
    assert [c for c in commands if f"| `{c}" not in README] == []


def test_every_setting_is_documented() -> None:
    documented = README + (ROOT / "docs" / "security.md").read_text(encoding="utf-8")
    variables = [
        str(name)
        for field in Settings.model_fields.values()
        if field.validation_alias is not None
        for name in (
            field.validation_alias.choices
            if isinstance(field.validation_alias, AliasChoices)
            else [field.validation_alias]
        )
    ]
    assert len(variables) >= 30
    assert [v for v in variables if v not in documented and _short(v) not in documented] == []


def _short(variable: str) -> str:
    """`WORKLIST_SLA_URGENT_HOURS` may be listed as `_URGENT_HOURS` beside its sibling."""
    return "_" + variable.split("_", 2)[-1]


def test_the_first_steps_say_what_a_newcomer_trips_over() -> None:
    for needed in (
        "export TOKEN=",
        '"on_duty": true',
        "WORKLIST_DICOM_HOST=0.0.0.0",
        "DicomModalities",
        "storescu -aet",
        "not a Modality Worklist (C-FIND) server",
        "WORKLIST_WORKER_METRICS_PORT",
    ):
        assert needed in README, needed
