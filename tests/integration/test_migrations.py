import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from app.db.migrations import alembic_config, current_revision, head_revision, upgrade_to_head
from app.db.session import get_engine
from app.db.tables import metadata
from app.vocabulary import SEEDED_SUBSPECIALTIES
from tests.support.database import fresh_database


def test_upgrade_downgrade_upgrade_round_trip(server_url: str) -> None:
    url = fresh_database(server_url, "worklist_round_trip")
    config = alembic_config(url)
    command.upgrade(config, "head")
    command.downgrade(config, "base")
    assert current_revision(url) is None
    command.upgrade(config, "head")
    assert current_revision(url) == head_revision()


def test_models_and_migrations_agree(migrated_url: str) -> None:
    with get_engine(migrated_url).connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, metadata) == []


def test_upgrading_twice_is_harmless(migrated_url: str) -> None:
    upgrade_to_head(migrated_url)
    assert current_revision(migrated_url) == head_revision()


def test_default_subspecialties_are_seeded(database_url: str) -> None:
    with get_engine(database_url).connect() as connection:
        codes = set(connection.scalars(text("SELECT code FROM subspecialties")))
    assert codes == set(SEEDED_SUBSPECIALTIES)


@pytest.mark.parametrize(
    "statement", ["UPDATE audit_events SET actor = 'x'", "DELETE FROM audit_events"]
)
def test_audit_trail_refuses_update_and_delete(database_url: str, statement: str) -> None:
    engine = get_engine(database_url)
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO audit_events (actor, action) VALUES ('a', 'TEST')"))
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
        connection.execute(text(statement))


def test_every_task_update_takes_a_new_change_number(database_url: str) -> None:
    with get_engine(database_url).begin() as connection:
        study_id = connection.scalar(
            text("INSERT INTO studies (study_instance_uid) VALUES ('1.2.3') RETURNING id")
        )
        task = connection.execute(
            text(
                "INSERT INTO reading_tasks (study_id, state, subspecialty, priority, due_at)"
                " VALUES (:s, 'UNASSIGNED', 'NEURO', 'ROUTINE', now()) RETURNING id, change_seq"
            ),
            {"s": study_id},
        ).one()
        after = connection.scalar(
            text("UPDATE reading_tasks SET priority = 'STAT' WHERE id = :id RETURNING change_seq"),
            {"id": task.id},
        )
    assert after > task.change_seq
