"""Every query on studies, series and instances."""

import json
from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import bindparam, func, or_, select, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Session

from app.db.session import Executor
from app.studies.models import Instance, Series, Study
from app.studies.patients import patient_issuer
from app.studies.records import (
    InstanceFacts,
    Receipt,
    ReceivedInstance,
    SeriesHeaderUpdate,
    SeriesKey,
)

# The study and series are created or completed (known values are kept, gaps filled). The
# issuer of the patient id is the first arrival's: a study never moves between patients.
_RECORD_PARENTS = text("""
WITH study AS (
    INSERT INTO studies AS s (
        study_instance_uid, patient_id, patient_issuer, patient_name, patient_birth_date,
        patient_sex, accession_number, study_date, study_time, study_description, modalities,
        body_part_examined, institution_name, referring_physician, clinical_question,
        question_sources, requested_priority, patient_location, source_ae_title,
        first_received_at, last_received_at)
    VALUES (
        :study_uid, :patient_id, :patient_issuer, :patient_name, :patient_birth_date,
        :patient_sex, :accession_number, :study_date, :study_time, :study_description,
        CAST(:modalities AS varchar(16)[]), :study_body_part, :institution_name,
        :referring_physician, :clinical_question, :question_sources, :requested_priority,
        :patient_location, :source_ae_title, :received_at, :received_at)
    ON CONFLICT (study_instance_uid) DO UPDATE SET
        patient_id = COALESCE(s.patient_id, EXCLUDED.patient_id),
        patient_name = COALESCE(s.patient_name, EXCLUDED.patient_name),
        patient_birth_date = COALESCE(s.patient_birth_date, EXCLUDED.patient_birth_date),
        patient_sex = COALESCE(s.patient_sex, EXCLUDED.patient_sex),
        accession_number = COALESCE(s.accession_number, EXCLUDED.accession_number),
        study_date = COALESCE(s.study_date, EXCLUDED.study_date),
        study_time = COALESCE(s.study_time, EXCLUDED.study_time),
        study_description = COALESCE(s.study_description, EXCLUDED.study_description),
        modalities = CASE WHEN EXCLUDED.modalities <@ s.modalities THEN s.modalities
                          ELSE s.modalities || EXCLUDED.modalities END,
        body_part_examined = COALESCE(s.body_part_examined, EXCLUDED.body_part_examined),
        institution_name = COALESCE(s.institution_name, EXCLUDED.institution_name),
        referring_physician = COALESCE(s.referring_physician, EXCLUDED.referring_physician),
        clinical_question = COALESCE(s.clinical_question, EXCLUDED.clinical_question),
        question_sources = EXCLUDED.question_sources || s.question_sources,
        requested_priority = COALESCE(s.requested_priority, EXCLUDED.requested_priority),
        patient_location = COALESCE(s.patient_location, EXCLUDED.patient_location)
    RETURNING id
)
INSERT INTO series AS r (
    study_id, series_instance_uid, modality, series_number, series_description,
    protocol_name, body_part_examined, header)
SELECT id, :series_uid, :modality, :series_number, :series_description, :protocol_name,
       :series_body_part, :header
FROM study
ON CONFLICT (series_instance_uid) DO UPDATE
    SET modality = COALESCE(r.modality, EXCLUDED.modality)
RETURNING study_id, id AS series_id
""").bindparams(bindparam("question_sources", type_=JSONB), bindparam("header", type_=JSONB))

# Instance rows unless their SOP Instance UIDs are known, in one statement (one round trip, its
# own transaction under autocommit): one row for a C-STORE, every instance of a series a
# request brought together. With :touch, the study's and series' counts, counting the new
# rows, and the study's reception time are brought up to date in the same statement. Without,
# the first new row of a stable study still marks it changed (then unchanged rows skip it
# without a lock), so the sweep settles it again whichever instance of a late burst is touched.
_INSTANCE_COLUMNS = """
        study_id, series_id, sop_instance_uid, sop_class_uid, transfer_syntax_uid,
        instance_number, storage_path, size_bytes, source_ae_title, received_at"""
_AFTER_ADDING = """
    ON CONFLICT (sop_instance_uid) DO NOTHING
    RETURNING series_id, sop_instance_uid
), counts AS (
    SELECT series_id, count(*) AS n
    FROM (SELECT series_id FROM instances WHERE study_id = :study_id
          UNION ALL SELECT series_id FROM added) AS study_rows
    WHERE CAST(:touch AS boolean) AND EXISTS (SELECT FROM added)
    GROUP BY series_id
), counted_series AS (
    UPDATE series SET instance_count = counts.n, updated_at = now()
    FROM counts WHERE series.id = counts.series_id AND series.instance_count <> counts.n
), touched_study AS (
    UPDATE studies SET
        instance_count = (SELECT sum(n) FROM counts),
        last_received_at = GREATEST(last_received_at, :received_at),
        changed_after_stable_at = CASE WHEN stable_at IS NULL THEN changed_after_stable_at
                                       ELSE :received_at END,
        updated_at = now()
    WHERE id = :study_id AND EXISTS (SELECT FROM counts)
), flagged_study AS (
    UPDATE studies SET
        last_received_at = GREATEST(last_received_at, :received_at),
        changed_after_stable_at = :received_at,
        updated_at = now()
    WHERE id = :study_id AND NOT CAST(:touch AS boolean) AND EXISTS (SELECT FROM added)
      AND stable_at IS NOT NULL AND changed_after_stable_at IS NULL
)
SELECT sop_instance_uid FROM added
"""
# One row from its own parameters: the listener's hot path, where a row's JSON would cost more.
_ADD_INSTANCE = text(f"""
WITH added AS (
    INSERT INTO instances ({_INSTANCE_COLUMNS})
    VALUES (:study_id, :series_id, :sop_uid, :sop_class_uid, :transfer_syntax_uid,
            :instance_number, :storage_path, :size_bytes, :source_ae_title, :received_at)
    {_AFTER_ADDING}""")
# Many rows from one JSON text: cheaper to send than a typed array per column.
_ADD_INSTANCES = text(f"""
WITH added AS (
    INSERT INTO instances ({_INSTANCE_COLUMNS})
    SELECT :study_id, :series_id, sop_uid, sop_class_uid, transfer_syntax_uid,
           instance_number, storage_path, size_bytes, source_ae_title, received_at
    FROM jsonb_to_recordset(CAST(:rows AS jsonb)) AS given(
        sop_uid text, sop_class_uid text, transfer_syntax_uid text, instance_number integer,
        storage_path text, size_bytes bigint, source_ae_title text, received_at timestamptz)
    {_AFTER_ADDING}""")

# What a later instance adds to its series' header: a higher count of planes, an orientation
# when the header has none, image types not yet listed, a smaller partition step; and, from the
# first image of a series recorded from an object without images, the whole header.
_COMPLETE_SERIES_HEADER = text("""
UPDATE series SET header = COALESCE(CAST(:header AS jsonb), header, '{}'::jsonb)
    || jsonb_build_object('distinct_orientations', GREATEST(
        COALESCE((header->>'distinct_orientations')::int, 1), COALESCE(CAST(:planes AS int), 1)))
    || CASE WHEN CAST(:orientation AS jsonb) IS NOT NULL
                 AND jsonb_typeof(header->'image_orientation_patient') IS DISTINCT FROM 'array'
            THEN jsonb_build_object('image_orientation_patient', CAST(:orientation AS jsonb))
            ELSE '{}'::jsonb END
    || jsonb_build_object('image_type', COALESCE(header->'image_type', '[]'::jsonb) || COALESCE(
        (SELECT jsonb_agg(token) FROM jsonb_array_elements_text(CAST(:image_type AS jsonb)) token
         WHERE NOT jsonb_exists(COALESCE(header->'image_type', '[]'::jsonb), token)),
        '[]'::jsonb))
    || CASE WHEN CAST(:step AS float8) IS NOT NULL
            THEN jsonb_build_object('partition_step', LEAST(
                COALESCE((header->>'partition_step')::float8, CAST(:step AS float8)),
                CAST(:step AS float8)))
            ELSE '{}'::jsonb END
WHERE id = :series_id
""")

# Marking a study stable (or settled again after late images) brings its and its series'
# instance counts up to date from the rows; `stable_at` keeps the first time, when reading began.
_MARK_STABLE = text("""
WITH counts AS (
    SELECT study_id, series_id, count(*) AS n FROM instances
    WHERE study_id = ANY(CAST(:study_ids AS bigint[])) GROUP BY study_id, series_id
), counted_series AS (
    UPDATE series SET instance_count = counts.n, updated_at = now()
    FROM counts WHERE series.id = counts.series_id AND series.instance_count <> counts.n
)
UPDATE studies SET
    instance_count = COALESCE((SELECT sum(n) FROM counts WHERE counts.study_id = studies.id), 0),
    stable_at = COALESCE(stable_at, :at),
    changed_after_stable_at = NULL,
    updated_at = now()
WHERE id = ANY(CAST(:study_ids AS bigint[]))
""")


def record_parents(session: Session, received: ReceivedInstance, receipt: Receipt) -> SeriesKey:
    """Create or complete the study and series of `received`."""
    study, series = received.study, received.series
    parameters = {
        "study_uid": study.study_instance_uid,
        "patient_id": study.patient_id,
        "patient_issuer": patient_issuer(study, receipt),
        "patient_name": study.patient_name,
        "patient_birth_date": study.patient_birth_date,
        "patient_sex": study.patient_sex,
        "accession_number": study.accession_number,
        "study_date": study.study_date,
        "study_time": study.study_time,
        "study_description": study.study_description,
        "modalities": [series.modality] if series.modality else [],
        "study_body_part": study.body_part_examined,
        "institution_name": study.institution_name,
        "referring_physician": study.referring_physician,
        "clinical_question": study.clinical_question,
        "question_sources": study.question_sources,
        "requested_priority": study.requested_priority,
        "patient_location": study.patient_location,
        "source_ae_title": receipt.source_ae_title,
        "received_at": receipt.received_at,
        "series_uid": series.series_instance_uid,
        "modality": series.modality,
        "series_number": series.series_number,
        "series_description": series.series_description,
        "protocol_name": series.protocol_name,
        "series_body_part": series.body_part_examined,
        "header": series.header,
    }
    row = session.execute(_RECORD_PARENTS, parameters).one()
    return SeriesKey(row.study_id, row.series_id)


def add_instances(
    session: Executor,
    parents: SeriesKey,
    instances: Sequence[tuple[InstanceFacts, Receipt]],
    touch: bool,
) -> set[str]:
    """Add the instance rows of one series (and with `touch`, update the study); the SOP
    Instance UIDs added, without those already known."""
    rows = [_instance_row(instance, receipt) for instance, receipt in instances]
    parameters = {
        "study_id": parents.study_id,
        "series_id": parents.series_id,
        "received_at": max(receipt.received_at for _, receipt in instances),
        "touch": touch,
    }
    if len(rows) == 1:
        statement, parameters = _ADD_INSTANCE, parameters | rows[0]
    else:
        rows_json = json.dumps(rows, default=datetime.isoformat)
        statement, parameters = _ADD_INSTANCES, parameters | {"rows": rows_json}
    return set(session.execute(statement, parameters).scalars())


def _instance_row(instance: InstanceFacts, receipt: Receipt) -> dict[str, Any]:
    return {
        "sop_uid": instance.sop_instance_uid,
        "sop_class_uid": instance.sop_class_uid,
        "transfer_syntax_uid": instance.transfer_syntax_uid,
        "instance_number": instance.instance_number,
        "storage_path": receipt.storage_path,
        "size_bytes": receipt.size_bytes,
        "source_ae_title": receipt.source_ae_title,
        "received_at": receipt.received_at,
    }


def complete_series_header(session: Executor, series_id: int, update: SeriesHeaderUpdate) -> None:
    orientation = list(update.orientation) if update.orientation else None
    parameters = {
        "series_id": series_id,
        "planes": update.distinct_orientations,
        "orientation": json.dumps(orientation) if orientation else None,
        "image_type": json.dumps(list(update.image_type)),
        "step": update.partition_step,
        "header": json.dumps(update.header) if update.header is not None else None,
    }
    session.execute(_COMPLETE_SERIES_HEADER, parameters)


def storage_path_of_instance(session: Executor, sop_instance_uid: str) -> str | None:
    query = select(Instance.storage_path).where(Instance.sop_instance_uid == sop_instance_uid)
    return session.scalar(query)


def instance_uids_by_series(
    session: Session, series_instance_uids: Collection[str]
) -> dict[str, dict[str, datetime]]:
    query = (
        select(Series.series_instance_uid, Instance.sop_instance_uid, Instance.received_at)
        .join(Series, Series.id == Instance.series_id)
        .where(Series.series_instance_uid.in_(series_instance_uids))
    )
    known: dict[str, dict[str, datetime]] = {uid: {} for uid in series_instance_uids}
    for series_uid, sop_uid, received_at in session.execute(query):
        known[series_uid][sop_uid] = received_at
    return known


def count_instances(session: Session, received_before: datetime | None = None) -> int:
    query = select(func.count()).select_from(Instance)
    if received_before is not None:
        query = query.where(Instance.received_at < received_before)
    return session.scalar(query) or 0


# Not yet stable, or received images since: what the stability sweep has still to settle.
_UNSETTLED = or_(Study.stable_at.is_(None), Study.changed_after_stable_at.is_not(None))


class SettledStudy(NamedTuple):
    id: int
    changed_after_stable: bool  # stable before, and images came since


def claim_settled_studies(
    session: Session,
    settled_before: datetime,
    limit: int,
    first_received_after: datetime | None = None,
) -> list[SettledStudy]:
    """Studies quiet since `settled_before` (and first received after `first_received_after`),
    not yet stable or changed since, locked; others' claims skipped.

    `last_received_at` may trail the newest instance by a moment (the listener updates it at
    most every second per study), so the instances themselves have the last word.
    """
    newer_instance = (
        select(Instance.id)
        .where(Instance.study_id == Study.id, Instance.received_at >= settled_before)
        .exists()
    )
    query = (
        select(Study.id, Study.stable_at.is_not(None))
        .where(_UNSETTLED, Study.last_received_at < settled_before, ~newer_instance)
        .order_by(Study.last_received_at)
        .limit(limit)
        .with_for_update(of=Study, skip_locked=True)
    )
    if first_received_after is not None:
        query = query.where(Study.first_received_at > first_received_after)
    return [SettledStudy(*row) for row in session.execute(query)]


def next_to_settle(session: Session, settled_before: datetime) -> datetime | None:
    """When the study awaiting stability that last received an image at or after
    `settled_before` and earliest did so last received one; None when there is none."""
    query = select(func.min(Study.last_received_at)).where(
        _UNSETTLED, Study.last_received_at >= settled_before
    )
    return session.scalar(query)


def count_awaiting_stability(session: Session) -> int:
    return session.scalar(select(func.count()).where(_UNSETTLED)) or 0


def instances_per_minute(session: Session, since: datetime) -> list[tuple[datetime, int]]:
    """(minute, instances received in it) for every minute since `since` that received any."""
    minute = func.date_trunc("minute", Instance.received_at)
    query = (
        select(minute, func.count())
        .where(Instance.received_at >= since)
        .group_by(minute)
        .order_by(minute)
    )
    return [(at, count) for at, count in session.execute(query)]


def mark_stable(session: Session, study_ids: Sequence[int], at: datetime) -> None:
    """Mark the studies stable, with their instance counts recounted from the rows."""
    session.execute(_MARK_STABLE, {"study_ids": list(study_ids), "at": at})
