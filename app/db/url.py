"""Where this process's database is: the configured server, or the embedded one."""

from sqlalchemy.engine import make_url

from app.db.embedded import cluster_exists, start_embedded_postgres
from app.settings import Settings


class NoDatabase(Exception):
    """A command that works on an existing database found none where it looked."""


def resolve_database_url(settings: Settings, create: bool = True) -> str:
    """The configured server's URL, else the embedded cluster's (created only when `create`)."""
    if settings.database_url:
        return settings.database_url
    if not create and not cluster_exists(settings.embedded_pgdata):
        raise NoDatabase(
            f"no database in {settings.home}: run `worklist up` there first, "
            "or point WORKLIST_HOME or DATABASE_URL at the service's database"
        )
    return start_embedded_postgres(settings.embedded_pgdata)


def describe_database(settings: Settings) -> str:
    """The one line a command prints about where its data is; never a password."""
    if settings.database_url:
        shown = make_url(settings.database_url).render_as_string(hide_password=True)
        return f"worklist: home {settings.home}, database {shown}"
    return f"worklist: home {settings.home}, database embedded in {settings.embedded_pgdata}"
