"""A year of a department's history generated in bulk SQL: studies, series, instances, tasks.

Ten kinds of study in turn (four chest radiographs, two mammograms, two CTs, two MRs), a year of
arrival times ending now, tasks mostly FINAL (some ADDENDED, CANCELLED and second opinions), the
newest half percent still open, and a report and three events per finished task. Rows go in
without per-row triggers (no change notifications, no foreign-key trigger checks): the values
are built to satisfy every constraint.
"""

import time
from dataclasses import dataclass

from sqlalchemy import Connection, text

from app.db.session import get_engine
from bench.api_seed import add_radiologists

UID_ROOT = "1.2.826.0.1.3680043.10.22."
# The API bench's 200 pollers and 20 readers, who then poll and read beside a year of their own.
HISTORY_READERS = 220
SECOND_OPINION_EVERY = 50  # studies per second-opinion task
OPEN_SHARE = 0.005  # the newest studies whose tasks are still open
BASE_INSTANCES_PER_STUDY = 10.2  # the kinds below, before scaling to the requested total

# kind, modality, description, body part, region, pool, series, instances per series, question
_KINDS = """
(VALUES
 (0, 'CR', 'XR CHEST 2V', 'CHEST', 'CHEST', 'CHEST', 1, 2, 'cough, fever'),
 (1, 'CR', 'XR CHEST 2V', 'CHEST', 'CHEST', 'CHEST', 1, 2, 'line placement'),
 (2, 'CR', 'XR CHEST 2V', 'CHEST', 'CHEST', 'GENERAL', 1, 2, 'dyspnea'),
 (3, 'CR', 'XR KNEE 3V', 'KNEE', 'KNEE', 'MSK', 1, 2, 'fall, pain'),
 (4, 'MG', 'SCREENING MAMMOGRAM', 'BREAST', 'BREAST', 'BREAST', 4, 1, 'screening'),
 (5, 'MG', 'SCREENING MAMMOGRAM', 'BREAST', 'BREAST', 'BREAST', 4, 1, 'screening'),
 (6, 'CT', 'CT CHEST W CONTRAST', 'CHEST', 'CHEST', 'CHEST', 3, 6, 'r/o PE'),
 (7, 'CT', 'CT ABD PELVIS W', 'ABDOMEN', 'ABDOMEN', 'BODY', 3, 6, 'rlq pain'),
 (8, 'MR', 'MRI BRAIN WO/W', 'HEAD', 'BRAIN', 'NEURO', 5, 5, 'new seizure'),
 (9, 'MR', 'MRI KNEE LEFT', 'KNEE', 'KNEE', 'MSK', 5, 5, 'acl tear')
) AS k(kind, modality, description, body_part, region, pool, series, per_series, question)
"""

_STUDIES = f"""
INSERT INTO studies (study_instance_uid, patient_id, patient_name, patient_sex,
    patient_birth_date, accession_number, study_date, study_time, study_description, modalities,
    body_part_examined, institution_name, referring_physician, clinical_question,
    source_ae_title, instance_count, first_received_at, last_received_at, stable_at, region,
    urgency, classified_at, created_at, updated_at)
SELECT '{UID_ROOT}' || g.i, 'YR' || (g.i::bigint * 7919 % :patients), 'DOE^YEAR' || g.i,
    CASE WHEN g.i % 2 = 0 THEN 'F' ELSE 'M' END, date '1950-01-01' + (g.i % 25000),
    'YACC' || g.i, g.at::date, g.at::time, k.description, ARRAY[k.modality], k.body_part,
    'General Hospital', 'DR^REFERRER' || g.i % 300, k.question, 'PACS',
    k.series * greatest(1, round(k.per_series * :scale)::int), g.at, g.at + interval '3 minutes',
    g.at + interval '4 minutes', k.region, 'ROUTINE', g.at + interval '4 minutes', g.at,
    g.at + interval '4 minutes'
FROM (SELECT i, now() - interval '365 days' * (:count - i) / :count AS at
      FROM generate_series(1, :count) AS i) AS g
JOIN {_KINDS} ON k.kind = g.i % 10
"""

_SERIES = f"""
INSERT INTO series (study_id, series_instance_uid, modality, series_number, series_description,
    body_part_examined, header, instance_count, sequence, plane, created_at, updated_at)
SELECT s.id, s.study_instance_uid || '.' || n, k.modality, n, k.description || ' ' || n,
    k.body_part, jsonb_build_object('modality', k.modality, 'series_description',
        k.description || ' ' || n, 'body_part_examined', k.body_part),
    greatest(1, round(k.per_series * :scale)::int),
    CASE WHEN k.modality = 'MR' THEN (ARRAY['T1', 'T2', 'FLAIR', 'DWI', 'T1_POST'])[n] END,
    CASE WHEN k.modality IN ('MR', 'CT') THEN 'AX' END, s.created_at, s.updated_at
FROM studies AS s
JOIN {_KINDS} ON k.kind = (s.id - :after) % 10
CROSS JOIN LATERAL generate_series(1, k.series) AS n
WHERE s.id > :after
"""

_INSTANCES = """
INSERT INTO instances (study_id, series_id, sop_instance_uid, sop_class_uid,
    transfer_syntax_uid, instance_number, storage_path, size_bytes, source_ae_title, received_at)
SELECT se.study_id, se.id, se.series_instance_uid || '.' || n,
    CASE se.modality WHEN 'CR' THEN '1.2.840.10008.5.1.4.1.1.1'
        WHEN 'MG' THEN '1.2.840.10008.5.1.4.1.1.1.2' WHEN 'CT' THEN '1.2.840.10008.5.1.4.1.1.2'
        ELSE '1.2.840.10008.5.1.4.1.1.4' END,
    '1.2.840.10008.1.2.1', n,
    regexp_replace(se.series_instance_uid, '[.][0-9]+$', '') || '/' || se.series_instance_uid
        || '/' || se.series_instance_uid || '.' || n || '.dcm',
    CASE se.modality WHEN 'CR' THEN 8000000 WHEN 'MG' THEN 30000000 WHEN 'CT' THEN 530000
        ELSE 140000 END,
    'PACS', se.created_at + n * interval '1 second'
FROM series AS se CROSS JOIN LATERAL generate_series(1, se.instance_count) AS n
WHERE se.study_id > :after
"""

# Primary tasks: the newest studies still open, the rest read; a second opinion every 50th.
_TASKS = f"""
INSERT INTO reading_tasks (study_id, kind, state, subspecialty, priority, assignee_id, due_at,
    workload_weight, lease_expires_at, claimed_from_state, assigned_at, started_at,
    finalized_at, created_at, updated_at)
SELECT s.id, 'PRIMARY', t.state, k.pool, t.priority,
    CASE WHEN t.state NOT IN ('UNASSIGNED', 'CANCELLED')
        THEN (CAST(:readers AS bigint[]))[1 + s.id * 7 % :reader_count] END,
    s.stable_at + CASE t.priority WHEN 'STAT' THEN interval '1 hour'
        WHEN 'URGENT' THEN interval '4 hours' ELSE interval '24 hours' END,
    CASE k.modality WHEN 'MR' THEN 2.0 WHEN 'CT' THEN 1.5 WHEN 'CR' THEN 0.5 ELSE 1.0 END,
    CASE WHEN t.state = 'IN_PROGRESS' THEN now() + interval '1 hour' END,
    CASE WHEN t.state = 'IN_PROGRESS' THEN 'ASSIGNED' END,
    CASE WHEN t.state NOT IN ('UNASSIGNED', 'CANCELLED') THEN s.stable_at END,
    CASE WHEN t.state IN ('IN_PROGRESS', 'PRELIMINARY', 'FINAL', 'ADDENDED')
        THEN s.stable_at + interval '1 hour' END,
    CASE WHEN t.state IN ('FINAL', 'ADDENDED') THEN s.stable_at + interval '2 hours' END,
    s.stable_at, s.stable_at + interval '2 hours'
FROM studies AS s
JOIN {_KINDS} ON k.kind = (s.id - :after) % 10
CROSS JOIN LATERAL (SELECT
    CASE WHEN s.id > :open_after
        THEN (ARRAY['UNASSIGNED', 'ASSIGNED', 'IN_PROGRESS', 'PRELIMINARY'])[1 + s.id % 4]
        WHEN s.id % 100 = 0 THEN 'CANCELLED' WHEN s.id % 50 = 1 THEN 'ADDENDED'
        ELSE 'FINAL' END AS state,
    CASE WHEN s.id % 20 = 0 THEN 'STAT' WHEN s.id % 5 = 1 THEN 'URGENT' ELSE 'ROUTINE' END
        AS priority) AS t
WHERE s.id > :after
"""

_SECOND_OPINIONS = """
INSERT INTO reading_tasks (study_id, kind, primary_task_id, state, subspecialty, priority,
    assignee_id, due_at, radpeer, assigned_at, started_at, finalized_at, created_at, updated_at)
SELECT p.study_id, 'SECOND_OPINION', p.id, 'FINAL', p.subspecialty, 'ROUTINE',
    (CAST(:readers AS bigint[]))[1 + (p.id * 7 + 1) % :reader_count],
    p.finalized_at + interval '72 hours',
    (ARRAY['1', '1', '1', '1', '1', '1', '2a', '2b', '3a', '3b'])[1 + p.id % 10],
    p.finalized_at, p.finalized_at + interval '1 day', p.finalized_at + interval '2 days',
    p.finalized_at, p.finalized_at + interval '2 days'
FROM reading_tasks AS p
WHERE p.study_id > :after AND p.state = 'FINAL' AND p.study_id % :every = 2
"""

_REPORTS = """
INSERT INTO task_reports (task_id, kind, findings, impression, author_id, created_at)
SELECT t.id, 'FINAL', 'No acute abnormality. Lines and tubes as expected. Heart size normal. '
    || 'No focal consolidation, effusion or pneumothorax. Bones intact for age.',
    'No acute findings.', t.assignee_id, t.finalized_at
FROM reading_tasks AS t
WHERE t.study_id > :after AND t.state IN ('FINAL', 'ADDENDED')
"""

_EVENTS = """
INSERT INTO task_events (task_id, action, from_state, to_state, actor, details, occurred_at)
SELECT t.id, e.action, e.from_state, e.to_state, 'radiologist:' || t.assignee_id, '{}',
    e.at
FROM reading_tasks AS t
CROSS JOIN LATERAL (VALUES
    ('assign', 'UNASSIGNED', 'ASSIGNED', t.assigned_at),
    ('claim', 'ASSIGNED', 'IN_PROGRESS', t.started_at),
    ('finalize', 'IN_PROGRESS', 'FINAL', t.finalized_at)) AS e(action, from_state, to_state, at)
WHERE t.study_id > :after AND t.state IN ('FINAL', 'ADDENDED')
"""


@dataclass(frozen=True, slots=True)
class Filled:
    studies: int
    tasks: int
    instances: int
    seconds: float


def fill(database_url: str, tasks: int, instances: int) -> Filled:
    """Add `tasks` reading tasks and about `instances` instance rows of history, then analyse."""
    studies = max(10, round(tasks * SECOND_OPINION_EVERY / (SECOND_OPINION_EVERY + 1)))
    scale = instances / (studies * BASE_INSTANCES_PER_STUDY)
    started = time.perf_counter()
    readers = add_radiologists(database_url, HISTORY_READERS)
    with get_engine(database_url).begin() as connection:
        connection.execute(text("SET LOCAL session_replication_role = replica"))
        connection.execute(text("SET LOCAL synchronous_commit = off"))
        after = int(connection.scalar(text("SELECT coalesce(max(id), 0) FROM studies")) or 0)
        _timed(connection, "studies", _STUDIES, count=studies, patients=studies // 3, scale=scale)
        _timed(connection, "series", _SERIES, after=after, scale=scale)
        _timed(connection, "instances", _INSTANCES, after=after)
        task_values = {"after": after, "readers": readers, "reader_count": len(readers)}
        open_after = after + studies - max(1, round(studies * OPEN_SHARE))
        _timed(connection, "tasks", _TASKS, open_after=open_after, **task_values)
        _timed(connection, "second opinions", _SECOND_OPINIONS, every=SECOND_OPINION_EVERY,
               **task_values)  # fmt: skip
        _timed(connection, "reports", _REPORTS, after=after)
        _timed(connection, "task events", _EVENTS, after=after)
    with get_engine(database_url).connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT").execute(text("VACUUM ANALYZE"))
    return Filled(
        studies=studies,
        tasks=_count(database_url, "reading_tasks"),
        instances=_count(database_url, "instances"),
        seconds=time.perf_counter() - started,
    )


def _timed(connection: Connection, what: str, statement: str, **values: object) -> None:
    started = time.perf_counter()
    rows = connection.execute(text(statement), values).rowcount
    print(f"  {what}: {rows:,} rows in {time.perf_counter() - started:.1f} s", flush=True)


def _count(database_url: str, table: str) -> int:
    with get_engine(database_url).connect() as connection:
        return int(connection.scalar(text(f"SELECT count(*) FROM {table}")) or 0)


def history_readers(database_url: str) -> list[int]:
    """The radiologists who read the history: the first ones added."""
    with get_engine(database_url).connect() as connection:
        query = text("SELECT id FROM radiologists ORDER BY id LIMIT :count")
        return list(connection.scalars(query, {"count": HISTORY_READERS}))
