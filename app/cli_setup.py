"""What every command that uses the database does first: settings, logging, ports, database."""

import logging
from typing import NoReturn

import typer

from app.db.migrations import current_revision, head_revision, upgrade_to_head
from app.db.url import NoDatabase, describe_database, resolve_database_url
from app.hl7.charsets import CODEC_OF_CHARSET, UnknownCharset, codec_of
from app.logging_config import configure_logging
from app.ports import first_port_in_use
from app.settings import Settings, get_settings

logger = logging.getLogger(__name__)


def prepare(
    *,
    listens_for: tuple[str, ...] = (),
    create: bool = False,
    migrate: bool = False,
    quiet: bool = False,
) -> tuple[Settings, str]:
    """Settings and a database URL; exits with one line when a port is taken or no database.

    `listens_for` names the parts whose ports must be free; `create` lets the command start a
    new embedded database; `quiet` keeps informational logs of a one-shot command off stderr.
    """
    settings = get_settings()
    configure_logging("WARNING" if quiet else settings.log_level, settings.log_format)
    taken = first_port_in_use(settings, listens_for)
    if taken is not None:
        _fail(taken.refusal())
    if "hl7" in listens_for and settings.hl7_default_charset:
        try:
            codec_of(settings.hl7_default_charset)
        except UnknownCharset:
            known = ", ".join(CODEC_OF_CHARSET)
            _fail(
                f"worklist: WORKLIST_HL7_DEFAULT_CHARSET {settings.hl7_default_charset!r} is not "
                f"an MSH-18 character set we read; use one of {known}"
            )
    typer.echo(describe_database(settings), err=True)
    if create:
        settings.home.mkdir(parents=True, exist_ok=True)
    try:
        database_url = resolve_database_url(settings, create=create)
    except NoDatabase as error:
        _fail(f"worklist: {error}")
    if migrate:
        logger.info(upgrade_to_head(database_url).summary())
    return settings, database_url


def require_schema_at_head(database_url: str) -> None:
    """Exit with one line unless the database answers and its schema is this version's."""
    try:
        current = current_revision(database_url)
    except Exception as error:  # any failure to reach the database is said the same way
        first_line = (str(error).strip().splitlines() or [""])[0]
        _fail(f"worklist: cannot reach the database: {type(error).__name__} {first_line}")
    expected = head_revision()
    if current != expected:
        _fail(
            f"worklist: database schema at {current}, this version needs {expected}: "
            "run `worklist migrate`"
        )


def _fail(line: str) -> NoReturn:
    typer.echo(line, err=True)
    raise typer.Exit(1)
