"""task change notify

Revision ID: 0002_workflow
Revises: 0002_routing
Create Date: 2026-11-24 09:35:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002_workflow"
down_revision: str | None = "0002_routing"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Each committed task change reaches every API replica LISTENing, which streams it to its clients.
# No patient data in the payload: ids, state and version only.
_NOTIFY_TRIGGER = """
CREATE FUNCTION reading_tasks_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('reading_task_changes', json_build_object(
        'id', NEW.id, 'change_seq', NEW.change_seq, 'kind', NEW.kind, 'state', NEW.state,
        'version', NEW.version, 'subspecialty', NEW.subspecialty, 'priority', NEW.priority,
        'assignee_id', NEW.assignee_id)::text);
    RETURN NULL;
END $$;
CREATE TRIGGER reading_tasks_notify_change AFTER INSERT OR UPDATE ON reading_tasks
    FOR EACH ROW EXECUTE FUNCTION reading_tasks_notify_change();
"""


def upgrade() -> None:
    op.execute(_NOTIFY_TRIGGER)


def downgrade() -> None:
    op.execute("DROP TRIGGER reading_tasks_notify_change ON reading_tasks")
    op.execute("DROP FUNCTION reading_tasks_notify_change()")
