"""Fills a migrated database with a busy department: studies, series, readers, tokens and tasks."""

from dataclasses import dataclass

from sqlalchemy import text

from app.auth.service import issue_token
from app.db.session import get_engine, session_scope
from app.vocabulary import Role

POOLS = ("NEURO", "MSK", "BODY", "CHEST", "BREAST", "GENERAL")

_STUDIES = """
INSERT INTO studies (study_instance_uid, patient_id, patient_name, patient_sex, accession_number,
    study_description, modalities, institution_name, clinical_question, stable_at, instance_count)
SELECT '1.2.826.0.1.3680043.10.7.' || i, 'PID' || (i % 40000), 'DOE^PAT' || i,
    CASE WHEN i % 2 = 0 THEN 'F' ELSE 'M' END, 'ACC' || i, 'MRI SPINE WO CONTRAST', '{MR}',
    'General Hospital', 'back pain, r/o disc herniation', now() - (i % 1440) * interval '1 minute',
    60
FROM generate_series(1, :count) AS i
"""

_SERIES = """
INSERT INTO series (study_id, series_instance_uid, modality, series_number, series_description,
    sequence, plane, instance_count)
SELECT s.id, s.study_instance_uid || '.' || n, 'MR', n, 'SERIES ' || n,
    (ARRAY['T1', 'T2', 'STIR', 'T2'])[n], (ARRAY['SAG', 'SAG', 'SAG', 'AX'])[n], 15
FROM studies s CROSS JOIN generate_series(1, 4) AS n
WHERE s.id > :after
"""

# Six in ten tasks are history (FINAL), three wait in a pool, one is assigned to a poller.
_TASKS = """
INSERT INTO reading_tasks (study_id, state, subspecialty, priority, assignee_id, due_at,
    finalized_at)
SELECT s.id,
    CASE WHEN s.id % 10 < 6 THEN 'FINAL' WHEN s.id % 10 < 9 THEN 'UNASSIGNED' ELSE 'ASSIGNED' END,
    (CAST(:pools AS text[]))[1 + (s.id / 3) % 6],
    (ARRAY['STAT', 'URGENT', 'ROUTINE', 'ROUTINE', 'ROUTINE'])[1 + (s.id / 20) % 5],
    CASE WHEN s.id % 10 < 6 OR s.id % 10 = 9 THEN
        (CAST(:pollers AS bigint[]))[1 + (s.id / 10) % :poller_count] END,
    s.stable_at + interval '24 hours',
    CASE WHEN s.id % 10 < 6 THEN s.stable_at + interval '3 hours' END
FROM studies s
WHERE s.id > :after
"""


@dataclass(frozen=True, slots=True)
class Readers:
    pollers: list[str]  # tokens of radiologists who poll their own worklist
    workers: list[str]  # tokens of radiologists who take and finish cases


def seed(
    database_url: str, tasks: int, pollers: int, workers: int, readers: list[int] | None = None
) -> Readers:
    """`readers`: radiologists already in the database to act as the pollers and workers."""
    ids = (
        readers[: pollers + workers]
        if readers
        else add_radiologists(database_url, pollers + workers)
    )
    with get_engine(database_url).begin() as connection:
        # Bulk load without per-row triggers (no change notifications for the seed itself).
        connection.execute(text("SET LOCAL session_replication_role = replica"))
        # Only the studies added here: the database may already hold a history (bench.scale).
        after = connection.scalar(text("SELECT coalesce(max(id), 0) FROM studies"))
        connection.execute(text(_STUDIES), {"count": tasks})
        connection.execute(text(_SERIES), {"after": after})
        connection.execute(
            text(_TASKS),
            {
                "after": after,
                "pools": list(POOLS),
                "pollers": ids[:pollers],
                "poller_count": pollers,
            },
        )
    with get_engine(database_url).connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT").execute(text("VACUUM ANALYZE"))
    tokens = _tokens(database_url, ids)
    return Readers(pollers=tokens[:pollers], workers=tokens[pollers:])


def add_radiologists(database_url: str, count: int) -> list[int]:
    """On duty, each in one pool in turn, with room for a thousand open tasks."""
    with get_engine(database_url).begin() as connection:
        ids = list(
            connection.scalars(
                text(
                    "INSERT INTO radiologists (name, on_duty, max_open_tasks) "
                    "SELECT 'Dr Bench ' || i, true, 1000 FROM generate_series(1, :n) AS i "
                    "RETURNING id"
                ),
                {"n": count},
            )
        )
        connection.execute(
            text(
                "INSERT INTO radiologist_subspecialties (radiologist_id, subspecialty_code) "
                "VALUES (:id, :pool)"
            ),
            [{"id": rid, "pool": POOLS[n % len(POOLS)]} for n, rid in enumerate(ids)],
        )
    return ids


def _tokens(database_url: str, radiologist_ids: list[int]) -> list[str]:
    with session_scope(database_url) as session:
        return [
            issue_token(
                session, name=f"bench-{rid}", role=Role.RADIOLOGIST, radiologist_id=rid
            ).secret
            for rid in radiologist_ids
        ]
