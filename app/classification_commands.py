"""The `classify-series` and `route-question` commands, ready to register on the worklist CLI.

cli.command("classify-series")(classify_series_command)
cli.command("route-question")(route_question_command)
"""

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from app.classification.sequence import classify_series
from app.classification.series_files import read_series_headers
from app.rules.dsl import RuleSet, load_default_rules
from app.rules.facts import route_referral
from app.rules.schemas import RuleSetDocument

PathsArgument = Annotated[
    list[Path],
    typer.Argument(help="DICOM files or folders (folders are walked).", exists=True),
]
RulesOption = Annotated[
    Path | None,
    typer.Option(
        "--rules",
        help="Rule set JSON file, such as GET /api/v1/rules returns; the shipped default when "
        "omitted.",
        exists=True,
        dir_okay=False,
    ),
]
FromDatabaseOption = Annotated[
    bool,
    typer.Option(
        "--from-database",
        help="Route with the current rule set version in the service's database.",
    ),
]


class ReferralLine(BaseModel):
    """One `route-question` input line; extra keys (an id, say) are allowed and ignored."""

    model_config = ConfigDict(extra="ignore")

    modality: str = ""
    body_part: str = ""
    study_description: str = ""
    clinical_question: str = ""

    @field_validator("*", mode="before")
    @classmethod
    def null_is_empty(cls, value: object) -> object:
        return "" if value is None else value


def classify_series_command(paths: PathsArgument) -> None:
    """Print one JSON line per series: sequence type, plane, fat sat, contrast, reasons."""
    headers, skipped = read_series_headers(paths)
    for problem in skipped:
        typer.echo(f"skipped {problem}", err=True)
    for header in headers:
        line = {"series_instance_uid": header.series_instance_uid}
        line.update(classify_series(header).to_json())
        typer.echo(json.dumps(line))


def route_question_command(
    rules: RulesOption = None, from_database: FromDatabaseOption = False
) -> None:
    """Read referral JSON lines on stdin; print region, categories, subspecialty, urgency."""
    if rules is not None and from_database:
        raise typer.BadParameter("give --rules or --from-database, not both")
    if from_database:
        rule_set = _live_rule_set()
    else:
        rule_set = _load_rule_set(rules) if rules is not None else load_default_rules()
    failures = 0
    for number, raw in enumerate(sys.stdin, start=1):
        if not raw.strip():
            continue
        try:
            referral = ReferralLine.model_validate_json(raw)
        except ValidationError as error:
            failures += 1
            typer.echo(f"line {number}: {_first_problem(error)}", err=True)
            continue
        typer.echo(json.dumps(route_referral(rule_set, **referral.model_dump()).to_json()))
    if failures:
        typer.echo(f"{failures} input line(s) could not be read", err=True)
        raise typer.Exit(code=1)


def _live_rule_set() -> RuleSet:
    """The rule set the service routes with now, read from its database."""
    from app.cli_setup import prepare
    from app.db.session import session_scope
    from app.rules.service import current_rule_set

    _, database_url = prepare(quiet=True)
    with session_scope(database_url) as session:
        version, rule_set = current_rule_set(session)
    typer.echo(f"routing with rule set version {version} from the database", err=True)
    return rule_set


def _load_rule_set(path: Path) -> RuleSet:
    """A rule set file, or a rule set as the API returns it (its version fields ignored)."""
    try:
        return RuleSetDocument.model_validate_json(path.read_text(encoding="utf-8"))
    except ValidationError as error:
        for problem in error.errors():
            where = ".".join(str(part) for part in problem["loc"]) or "(top level)"
            typer.echo(f"{path}: {where}: {problem['msg']}", err=True)
        raise typer.Exit(code=2) from None
    except OSError as error:
        typer.echo(f"{path}: cannot read rule file ({error})", err=True)
        raise typer.Exit(code=2) from None


def _first_problem(error: ValidationError) -> str:
    problem = error.errors()[0]
    where = ".".join(str(part) for part in problem["loc"])
    return f"{where}: {problem['msg']}" if where else f"not a JSON object ({problem['msg']})"


app = typer.Typer(help="Series and clinical-question classification.", no_args_is_help=True)
app.command("classify-series")(classify_series_command)
app.command("route-question")(route_question_command)
