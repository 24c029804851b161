"""The reading task life cycle as plain data: which action leads where, and who may take it.

No database here: the service loads a task and the caller into `TaskFacts` and `Actor`, asks this
module, and writes what it answers. DESIGN.md "Reading task states" is the source of these rules.
"""

from dataclasses import dataclass, field
from enum import StrEnum

from app.errors import Forbidden, Invalid
from app.vocabulary import Role, TaskState


class Action(StrEnum):
    ASSIGN = "assign"
    REASSIGN = "reassign"
    UNASSIGN = "unassign"
    CLAIM = "claim"
    HEARTBEAT = "heartbeat"
    RELEASE = "release"
    PRELIMINARY = "preliminary"
    FINALIZE = "finalize"
    ADDENDUM = "addendum"
    CANCEL = "cancel"
    REPRIORITIZE = "reprioritize"


S = TaskState
# Not yet finally read: on a worklist, due, escalated, cancellable.
OPEN_STATES = frozenset({S.UNASSIGNED, S.ASSIGNED, S.IN_PROGRESS, S.PRELIMINARY})
# The open states in which a task is its reader's to read now: their workload for assignment.
WORKLOAD_STATES = frozenset({S.ASSIGNED, S.IN_PROGRESS})


class ClaimRight(StrEnum):
    """Whose a task is to claim, in a state it can be claimed from."""

    ASSIGNEE = "assignee"  # the radiologist it is assigned to
    POOL_MEMBER = "pool_member"  # any radiologist of its subspecialty pool


# Who may claim what, the one definition `claim` checks and "next case" queries: a radiologist
# claims a task assigned to them, or a waiting task of one of their pools; never, whatever the
# state, a second opinion on their own read. In the order "next case" offers them: their own
# assigned tasks before their pools' waiting ones.
CLAIM_RIGHTS: dict[TaskState, ClaimRight] = {
    S.ASSIGNED: ClaimRight.ASSIGNEE,
    S.UNASSIGNED: ClaimRight.POOL_MEMBER,
}

# Not yet taken by a reader: the states a task can still be claimed from, in which a new rule
# version may still move it.
UNCLAIMED_STATES = frozenset(CLAIM_RIGHTS)

# Action → {from state: to state}. RELEASE returns to the state the task was claimed from.
TRANSITIONS: dict[Action, dict[TaskState, TaskState]] = {
    Action.ASSIGN: {S.UNASSIGNED: S.ASSIGNED},
    Action.REASSIGN: {S.ASSIGNED: S.ASSIGNED, S.IN_PROGRESS: S.ASSIGNED},
    Action.UNASSIGN: {S.ASSIGNED: S.UNASSIGNED, S.IN_PROGRESS: S.UNASSIGNED},
    Action.CLAIM: {state: S.IN_PROGRESS for state in CLAIM_RIGHTS},
    Action.HEARTBEAT: {S.IN_PROGRESS: S.IN_PROGRESS},
    Action.RELEASE: {S.IN_PROGRESS: S.UNASSIGNED},
    Action.PRELIMINARY: {S.IN_PROGRESS: S.PRELIMINARY},
    Action.FINALIZE: {S.IN_PROGRESS: S.FINAL, S.PRELIMINARY: S.FINAL},
    Action.ADDENDUM: {S.FINAL: S.ADDENDED, S.ADDENDED: S.ADDENDED},
    Action.CANCEL: {state: S.CANCELLED for state in OPEN_STATES},
    Action.REPRIORITIZE: {state: state for state in OPEN_STATES},
}

# Actions for the engine or an admin, for integration systems too (cancel, reprioritize), and for
# the task's owner.
MANAGING = frozenset({Action.ASSIGN, Action.REASSIGN, Action.UNASSIGN})
OWNER_ONLY = frozenset(
    {Action.HEARTBEAT, Action.RELEASE, Action.PRELIMINARY, Action.FINALIZE, Action.ADDENDUM}
)


@dataclass(frozen=True, slots=True)
class TaskFacts:
    state: TaskState
    subspecialty: str
    assignee_id: int | None = None
    claimed_from_state: TaskState | None = None
    # For a second opinion: who read the primary, who may therefore not over-read it.
    primary_reader_id: int | None = None


@dataclass(frozen=True, slots=True)
class Actor:
    """The caller: `role` None means the service itself (the routing engine, a job)."""

    role: Role | None
    radiologist_id: int | None = None
    pools: frozenset[str] = field(default_factory=frozenset)


class TransitionNotAllowed(Invalid):
    """The task's state refuses the action; `allowed` is what the one who asked may do instead."""

    def __init__(self, action: Action, state: TaskState, allowed: list[Action]) -> None:
        names = [a.value for a in allowed]
        super().__init__(f"a {state.value} task cannot take '{action.value}'; you may: {names}")
        self.problem_fields = {"state": state.value, "allowed_actions": names}


class NotYourTask(Forbidden):
    """Someone else's task, or an action the caller's role never takes: 403, whatever the state."""


def accepts(action: Action, state: TaskState) -> bool:
    return state in TRANSITIONS[action]


def next_state(action: Action, task: TaskFacts) -> TaskState:
    """Where `action` leads from the task's state, or TransitionNotAllowed."""
    target = TRANSITIONS[action].get(task.state)
    if target is None:
        raise TransitionNotAllowed(action, task.state, allowed_actions(task.state))
    if action is Action.RELEASE:
        return task.claimed_from_state or S.UNASSIGNED
    return target


def refuse_stranger(action: Action, task: TaskFacts, actor: Actor) -> None:
    """NotYourTask before anything is said about the task's state or version.

    An owner's action on a task nobody owns yet is left to the state machine, whose answer
    points the caller at `claim`.
    """
    if action in OWNER_ONLY and task.assignee_id is None:
        return
    check_actor(action, task, actor)


def next_state_for(action: Action, task: TaskFacts, actor: Actor) -> TaskState:
    """Where `action` by this caller leads; a refusal lists only what this caller may do."""
    if not accepts(action, task.state):
        raise TransitionNotAllowed(action, task.state, actions_for(task, actor))
    check_actor(action, task, actor)
    return next_state(action, task)


def allowed_actions(state: TaskState) -> list[Action]:
    """Every action the state machine accepts from `state`, whoever asks."""
    return [action for action in Action if state in TRANSITIONS[action]]


def check_actor(action: Action, task: TaskFacts, actor: Actor) -> None:
    """Raise NotYourTask unless `actor` may take `action` on this task."""
    reason = _refusal(action, task, actor)
    if reason is not None:
        raise NotYourTask(reason)


def actions_for(task: TaskFacts, actor: Actor) -> list[Action]:
    """The actions this caller may take on this task now: what a client offers as buttons."""
    return [a for a in allowed_actions(task.state) if _refusal(a, task, actor) is None]


def _refusal(action: Action, task: TaskFacts, actor: Actor) -> str | None:
    if action in MANAGING:
        return None if actor.role in (None, Role.ADMIN) else "only an admin assigns tasks"
    if action in (Action.CANCEL, Action.REPRIORITIZE):
        allowed = actor.role in (None, Role.ADMIN, Role.INTEGRATION)
        return None if allowed else f"only an admin or integration may {action.value} a task"
    if actor.role is not Role.RADIOLOGIST or actor.radiologist_id is None:
        return f"only a radiologist may {action.value} a task"
    if action is Action.CLAIM:
        return _claim_refusal(task, actor)
    if task.assignee_id not in (None, actor.radiologist_id):
        return "this task belongs to another radiologist"
    if task.assignee_id is None:
        return "nobody has claimed this task yet"
    return None


def _claim_refusal(task: TaskFacts, actor: Actor) -> str | None:
    if task.primary_reader_id is not None and task.primary_reader_id == actor.radiologist_id:
        return "the primary reader cannot give the second opinion"
    right = CLAIM_RIGHTS.get(task.state)
    if right is ClaimRight.POOL_MEMBER and task.subspecialty not in actor.pools:
        return f"the {task.subspecialty} pool is not one of yours"
    if right is ClaimRight.ASSIGNEE and task.assignee_id != actor.radiologist_id:
        return "this task is assigned to another radiologist"
    if right is None and task.assignee_id not in (None, actor.radiologist_id):
        return "this task belongs to another radiologist"
    return None


def is_open(state: TaskState | str) -> bool:
    return TaskState(state) in OPEN_STATES
