"""Alembic, configured in code so the installed `worklist` command finds its migrations."""

from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import text

from app.db.session import driver_url, get_engine

MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "migrations"


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("file_template", "%%(year)d%%(month).2d%%(day).2d_%%(slug)s")
    address = driver_url(database_url).render_as_string(hide_password=False)
    config.set_main_option("sqlalchemy.url", address.replace("%", "%%"))
    return config


@dataclass(frozen=True)
class SchemaUpgrade:
    before: str | None
    after: str | None

    def summary(self) -> str:
        """Where the schema is now, and whether this upgrade ran anything to get it there."""
        if self.before == self.after:
            return f"database schema at {self.after} (already there: nothing ran)"
        return (
            f"database schema at {self.after} (upgraded from {self.before or 'an empty database'})"
        )


def upgrade_to_head(database_url: str) -> SchemaUpgrade:
    before = current_revision(database_url)
    command.upgrade(alembic_config(database_url), "head")
    return SchemaUpgrade(before, current_revision(database_url))


def head_revision() -> str | None:
    return ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head()


def current_revision(database_url: str) -> str | None:
    """The schema's revision, read directly: readiness probes call this every few seconds."""
    with get_engine(database_url).connect() as connection:
        if connection.scalar(text("SELECT to_regclass('alembic_version')")) is None:
            return None
        revision: str | None = connection.scalar(text("SELECT version_num FROM alembic_version"))
        return revision
