"""Where this process's database is: the configured server, or the embedded one."""

from app.db.embedded import start_embedded_postgres
from app.settings import Settings


def resolve_database_url(settings: Settings) -> str:
    if settings.database_url:
        return settings.database_url
    return start_embedded_postgres(settings.embedded_pgdata)
