"""The pure assignment engine: who may read a task, and who gets it."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.routing.assignment import Candidate, TaskNeeds, choose, why_not

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
READER = Candidate(
    id=1,
    name="Dr One",
    active=True,
    on_duty=True,
    subspecialties=frozenset({"NEURO"}),
    institutions=frozenset(),
    open_tasks=0,
    open_workload=0.0,
    max_open_tasks=2,
    last_assigned_at=None,
)
NEEDS = TaskNeeds(subspecialty="NEURO", priority="ROUTINE", institution="General Hospital")


@pytest.mark.parametrize(
    ("changes", "needs", "reason"),
    [
        ({"active": False}, NEEDS, "inactive"),
        ({"on_duty": False}, NEEDS, "off duty"),
        ({"subspecialties": frozenset({"MSK"})}, NEEDS, "not in the NEURO pool"),
        (
            {"institutions": frozenset({"elsewhere"})},
            NEEDS,
            "not credentialed for General Hospital",
        ),
        ({"open_tasks": 2}, NEEDS, "at the cap (2/2 open)"),
        ({}, replace(NEEDS, excluded_reader=1), "read the primary of this second opinion"),
    ],
)
def test_each_reason_a_reader_is_not_eligible(
    changes: dict[str, object], needs: TaskNeeds, reason: str
) -> None:
    assert why_not(replace(READER, **changes), needs) == [reason]  # type: ignore[arg-type]


def test_credentials_match_the_institution_whatever_its_case() -> None:
    reader = replace(READER, institutions=frozenset({"general hospital"}))
    assert why_not(reader, NEEDS) == []


def test_stat_bypasses_the_cap() -> None:
    assert why_not(replace(READER, open_tasks=5), replace(NEEDS, priority="STAT")) == []


def test_nobody_eligible_means_no_choice() -> None:
    assert choose([replace(READER, on_duty=False)], NEEDS) is None


def test_ties_go_to_the_longest_idle() -> None:
    recent = replace(READER, id=1, last_assigned_at=NOW)
    earlier = replace(READER, id=2, last_assigned_at=NOW - timedelta(hours=1))
    choice = choose([recent, earlier], NEEDS)
    assert choice is not None
    assert choice.radiologist_id == 2


def test_named_reader_then_same_patient_reader_come_before_workload() -> None:
    light, heavy = replace(READER, id=1), replace(READER, id=2, open_workload=5.0)
    named = choose([light, heavy], replace(NEEDS, named_reader=2))
    same_patient = choose([light, heavy], replace(NEEDS, patient_readers=frozenset({2})))
    assert named is not None
    assert same_patient is not None
    assert (named.radiologist_id, same_patient.radiologist_id) == (2, 2)


def test_an_ineligible_patient_reader_is_passed_over() -> None:
    light, full = replace(READER, id=1), replace(READER, id=2, open_tasks=2)
    choice = choose([light, full], replace(NEEDS, patient_readers=frozenset({2})))
    assert choice is not None
    assert choice.radiologist_id == 1


readers = st.builds(
    Candidate,
    id=st.integers(1, 50),
    name=st.just("Dr"),
    active=st.booleans(),
    on_duty=st.booleans(),
    subspecialties=st.frozensets(st.sampled_from(["NEURO", "MSK", "BODY"])),
    institutions=st.frozensets(st.sampled_from(["general hospital", "clinic"])),
    open_tasks=st.integers(0, 5),
    open_workload=st.floats(0, 20, allow_nan=False),
    max_open_tasks=st.integers(0, 5),
    last_assigned_at=st.none() | st.datetimes(timezones=st.just(UTC)),
)
needs = st.builds(
    TaskNeeds,
    subspecialty=st.sampled_from(["NEURO", "MSK", "BODY"]),
    priority=st.sampled_from(["STAT", "URGENT", "ROUTINE"]),
    institution=st.sampled_from(["General Hospital", "Clinic"]),
    excluded_reader=st.none() | st.integers(1, 50),
)


@given(st.lists(readers, max_size=8, unique_by=lambda reader: reader.id), needs)
def test_the_chosen_reader_is_eligible_and_least_loaded(
    pool: list[Candidate], task: TaskNeeds
) -> None:
    choice = choose(pool, task)
    eligible = [reader for reader in pool if not why_not(reader, task)]
    if not eligible:
        assert choice is None
        return
    assert choice is not None
    chosen = next(reader for reader in eligible if reader.id == choice.radiologist_id)
    assert chosen.open_workload == min(reader.open_workload for reader in eligible)
