"""Alembic environment: runs migrations online against the configured Postgres."""

from alembic import context
from sqlalchemy import engine_from_config, pool, text

from app.db.tables import metadata

config = context.config
_SERIALISE_MIGRATIONS = "SELECT pg_advisory_xact_lock(hashtext('worklist-migrations'))"


def run_migrations_online() -> None:
    connectable = engine_from_config(
        config.get_section(config.config_ini_section, {}),
        prefix="sqlalchemy.",
        poolclass=pool.NullPool,
    )
    with connectable.connect() as connection:
        context.configure(connection=connection, target_metadata=metadata, compare_type=True)
        with context.begin_transaction():
            # Replicas starting together must not run the same migration twice.
            connection.execute(text(_SERIALISE_MIGRATIONS))
            context.run_migrations()


run_migrations_online()
