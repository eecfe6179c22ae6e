"""The review workflow as data (pure): states, actions, who may act, and from which states.

Two questions are kept apart on purpose. *Who* may perform an action on an evaluation depends
only on the caller's relation to it (the employee, the reviewer, hr/admin), never on its state:
a caller who may never do it is FORBIDDEN. *When* is the state table: a permitted caller in the
wrong state gets INVALID_STATE. Nobody acts on their own evaluation except the self review and
the acknowledgement (architecture.md "Auth model").
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class State(StrEnum):
    """Where an evaluation stands."""

    SELF_REVIEW = "SELF_REVIEW"
    MANAGER_REVIEW = "MANAGER_REVIEW"
    CALIBRATION = "CALIBRATION"
    FINALIZED = "FINALIZED"
    ACKNOWLEDGED = "ACKNOWLEDGED"


class Action(StrEnum):
    """What can be done to an existing evaluation (the contract's EvaluationAction)."""

    SELF_REVIEW_SUBMIT = "SELF_REVIEW_SUBMIT"
    MANAGER_REVIEW_SUBMIT = "MANAGER_REVIEW_SUBMIT"
    CALIBRATE = "CALIBRATE"
    FINALIZE = "FINALIZE"
    ACKNOWLEDGE = "ACKNOWLEDGE"
    ADJUST = "ADJUST"


FROZEN = frozenset({State.FINALIZED, State.ACKNOWLEDGED})

# action → (states it may start from, state it leads to)
TRANSITIONS: dict[Action, tuple[frozenset[State], State]] = {
    Action.SELF_REVIEW_SUBMIT: (frozenset({State.SELF_REVIEW}), State.MANAGER_REVIEW),
    Action.MANAGER_REVIEW_SUBMIT: (frozenset({State.MANAGER_REVIEW}), State.CALIBRATION),
    Action.CALIBRATE: (frozenset({State.CALIBRATION}), State.CALIBRATION),
    Action.FINALIZE: (frozenset({State.CALIBRATION}), State.FINALIZED),
    Action.ACKNOWLEDGE: (frozenset({State.FINALIZED}), State.ACKNOWLEDGED),
    Action.ADJUST: (FROZEN, State.FINALIZED),
}


@dataclass(frozen=True)
class Relation:
    """How the caller stands to one evaluation.

    ``is_self``: the caller's employee is the evaluated one (and holds the employee or manager
    role, which self reviews need); ``is_subject``: the caller's employee is the evaluated one,
    whatever the roles (nobody acts on their own evaluation); ``is_reviewer``: a manager who is
    the employee's reviewer on the placement day; ``is_hr``: an hr or admin user.
    """

    is_self: bool = False
    is_subject: bool = False
    is_reviewer: bool = False
    is_hr: bool = False


def may_start(rel: Relation) -> bool:
    """hr, admin or the reviewer start an evaluation, never their own."""
    return not rel.is_subject and (rel.is_hr or rel.is_reviewer)


def permitted(action: Action, rel: Relation) -> bool:
    """Whether the caller may ever perform ``action`` on this evaluation (state aside)."""
    if action in (Action.SELF_REVIEW_SUBMIT, Action.ACKNOWLEDGE):
        return rel.is_self
    if rel.is_subject:
        return False
    if action is Action.MANAGER_REVIEW_SUBMIT:
        # architecture.md lets hr/admin submit the manager review too (e.g. no reviewer exists).
        return rel.is_reviewer or rel.is_hr
    return rel.is_hr  # CALIBRATE, FINALIZE, ADJUST


def allowed_actions(state: State, rel: Relation) -> list[Action]:
    """What the caller may do next, in declaration order."""
    return [a for a, (sources, _) in TRANSITIONS.items() if state in sources and permitted(a, rel)]


def first_state(skip_self_review: bool) -> State:
    """The state a new evaluation starts in."""
    return State.MANAGER_REVIEW if skip_self_review else State.SELF_REVIEW
