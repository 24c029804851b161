import pytest

from app.tasks.state_machine import (
    OWNER_ONLY,
    TRANSITIONS,
    Action,
    Actor,
    NotYourTask,
    TaskFacts,
    TransitionNotAllowed,
    actions_for,
    allowed_actions,
    check_actor,
    next_state,
    next_state_for,
    refuse_stranger,
)
from app.vocabulary import Role, TaskState

S = TaskState
READER = Actor(role=Role.RADIOLOGIST, radiologist_id=7, pools=frozenset({"NEURO"}))
OTHER_READER = Actor(role=Role.RADIOLOGIST, radiologist_id=8, pools=frozenset({"NEURO"}))
ADMIN = Actor(role=Role.ADMIN)
INTEGRATION = Actor(role=Role.INTEGRATION)

EXPECTED = {
    (Action.ASSIGN, S.UNASSIGNED): S.ASSIGNED,
    (Action.REASSIGN, S.ASSIGNED): S.ASSIGNED,
    (Action.REASSIGN, S.IN_PROGRESS): S.ASSIGNED,
    (Action.UNASSIGN, S.ASSIGNED): S.UNASSIGNED,
    (Action.UNASSIGN, S.IN_PROGRESS): S.UNASSIGNED,
    (Action.CLAIM, S.UNASSIGNED): S.IN_PROGRESS,
    (Action.CLAIM, S.ASSIGNED): S.IN_PROGRESS,
    (Action.HEARTBEAT, S.IN_PROGRESS): S.IN_PROGRESS,
    (Action.RELEASE, S.IN_PROGRESS): S.ASSIGNED,  # claimed from ASSIGNED in these facts
    (Action.PRELIMINARY, S.IN_PROGRESS): S.PRELIMINARY,
    (Action.FINALIZE, S.IN_PROGRESS): S.FINAL,
    (Action.FINALIZE, S.PRELIMINARY): S.FINAL,
    (Action.ADDENDUM, S.FINAL): S.ADDENDED,
    (Action.ADDENDUM, S.ADDENDED): S.ADDENDED,
    **{(Action.CANCEL, s): S.CANCELLED for s in (S.UNASSIGNED, S.ASSIGNED, S.IN_PROGRESS)},
    (Action.CANCEL, S.PRELIMINARY): S.CANCELLED,
    **{(Action.REPRIORITIZE, s): s for s in (S.UNASSIGNED, S.ASSIGNED, S.IN_PROGRESS)},
    (Action.REPRIORITIZE, S.PRELIMINARY): S.PRELIMINARY,
}


def _facts(state: TaskState, **fields: object) -> TaskFacts:
    values: dict[str, object] = {
        "subspecialty": "NEURO",
        "assignee_id": 7,
        "claimed_from_state": S.ASSIGNED,
    }
    return TaskFacts(state=state, **(values | fields))  # type: ignore[arg-type]


@pytest.mark.parametrize("action", list(Action))
@pytest.mark.parametrize("state", list(TaskState))
def test_every_action_from_every_state_goes_where_the_table_says(
    action: Action, state: TaskState
) -> None:
    expected = EXPECTED.get((action, state))
    if expected is None:
        with pytest.raises(TransitionNotAllowed) as refused:
            next_state(action, _facts(state))
        assert refused.value.problem_fields["allowed_actions"] == [
            a.value for a in allowed_actions(state)
        ]
    else:
        assert next_state(action, _facts(state)) is expected


def test_the_table_has_no_transition_the_tests_do_not_name() -> None:
    named = {(a, s) for a, targets in TRANSITIONS.items() for s in targets}
    assert named == set(EXPECTED)


def test_release_of_a_task_claimed_from_the_pool_returns_it_to_the_pool() -> None:
    facts = _facts(S.IN_PROGRESS, claimed_from_state=S.UNASSIGNED)
    assert next_state(Action.RELEASE, facts) is S.UNASSIGNED


def test_final_and_cancelled_tasks_only_take_addenda() -> None:
    assert allowed_actions(S.FINAL) == [Action.ADDENDUM]
    assert allowed_actions(S.CANCELLED) == []


def test_radiologist_claims_an_unassigned_task_of_their_pool_only() -> None:
    check_actor(Action.CLAIM, _facts(S.UNASSIGNED, assignee_id=None), READER)
    with pytest.raises(NotYourTask):
        check_actor(Action.CLAIM, _facts(S.UNASSIGNED, subspecialty="MSK"), READER)


def test_a_task_assigned_to_someone_else_cannot_be_claimed() -> None:
    with pytest.raises(NotYourTask):
        check_actor(Action.CLAIM, _facts(S.ASSIGNED), OTHER_READER)


@pytest.mark.parametrize(
    "action", [Action.RELEASE, Action.PRELIMINARY, Action.FINALIZE, Action.HEARTBEAT]
)
def test_only_the_owner_works_on_a_claimed_task(action: Action) -> None:
    check_actor(action, _facts(S.IN_PROGRESS), READER)
    for stranger in (OTHER_READER, ADMIN, INTEGRATION):
        with pytest.raises(NotYourTask):
            check_actor(action, _facts(S.IN_PROGRESS), stranger)


def test_admin_and_the_engine_assign_but_integration_and_readers_do_not() -> None:
    check_actor(Action.ASSIGN, _facts(S.UNASSIGNED), ADMIN)
    check_actor(Action.ASSIGN, _facts(S.UNASSIGNED), Actor(role=None))
    for refused in (INTEGRATION, READER):
        with pytest.raises(NotYourTask):
            check_actor(Action.ASSIGN, _facts(S.UNASSIGNED), refused)


def test_integration_may_cancel() -> None:
    check_actor(Action.CANCEL, _facts(S.ASSIGNED), INTEGRATION)
    with pytest.raises(NotYourTask):
        check_actor(Action.CANCEL, _facts(S.ASSIGNED), READER)


def test_the_primary_reader_cannot_claim_the_second_opinion() -> None:
    facts = _facts(S.UNASSIGNED, assignee_id=None, primary_reader_id=7)
    with pytest.raises(NotYourTask):
        check_actor(Action.CLAIM, facts, READER)
    check_actor(Action.CLAIM, facts, OTHER_READER)


def test_actions_for_lists_what_this_caller_may_do_now() -> None:
    assert actions_for(_facts(S.IN_PROGRESS), READER) == [
        Action.HEARTBEAT,
        Action.RELEASE,
        Action.PRELIMINARY,
        Action.FINALIZE,
    ]
    assert actions_for(_facts(S.IN_PROGRESS), ADMIN) == [
        Action.REASSIGN,
        Action.UNASSIGN,
        Action.CANCEL,
        Action.REPRIORITIZE,
    ]


@pytest.mark.parametrize(
    ("action", "state"),
    [
        (action, state)
        for action in sorted(OWNER_ONLY | {Action.CLAIM})
        for state in TaskState
        # A waiting task has no reader (returning it to the queue clears one): its pool decides.
        if (action, state) != (Action.CLAIM, S.UNASSIGNED)
    ],
)
def test_another_readers_task_is_refused_as_theirs_whatever_its_state(
    action: Action, state: TaskState
) -> None:
    with pytest.raises(NotYourTask, match="another radiologist"):
        refuse_stranger(action, _facts(state), OTHER_READER)


def test_a_refused_transition_lists_only_what_the_caller_may_do() -> None:
    with pytest.raises(TransitionNotAllowed) as refused:
        next_state_for(Action.FINALIZE, _facts(S.UNASSIGNED, assignee_id=None), READER)
    assert refused.value.problem_fields["allowed_actions"] == ["claim"]
