"""Goal revisions: goalRevise proposes, goalRevisionApprove / Reject decide. Never commits.

Every step takes the line's advisory lock first and then reads the line afresh, so concurrent
revisions of one line queue up: the first writes its proposal and the others find it open
(VERSION_CONFLICT), and an approval finds the line exactly as the proposal saw it, or refuses.
The partial unique index "one PROPOSED per line" holds the same rule for any other writer.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from kra_api.audit.actor import ActorRef, actor_of
from kra_api.audit.service import record, snapshot
from kra_api.auth.principal import Principal
from kra_api.catalog import repository as catalog_repo
from kra_api.errors import FieldError, Forbidden, Invalid
from kra_api.goals import authority
from kra_api.goals import repository as repo
from kra_api.goals.lines import PROPOSED, SUPERSEDED, LineState, date_range, line_state
from kra_api.goals.rows import NewVersion, approve_row, goal_row
from kra_api.goals.schemas import AnchorsIn, anchor_errors
from kra_api.kras.drafts import flush_or
from kra_api.kras.rules import MAX_TEXT, blank_to_none
from kra_api.models import Goal
from kra_api.periods.calendar import EARLIEST, LATEST
from kra_api.periods.finality import final_periods_reached, period_final_error
from kra_api.scoring.anchors import Direction
from kra_api.scoring.goals import AnchorBasis, GoalScopeKind

FROM = ("input", "effectiveFrom")
VERSION = ("input", "expectedVersion")
REASON = ("input", "reason")
PROPOSAL = ("input", "proposalId")


@dataclass(frozen=True)
class ReviseIn:
    """A revision of the line of ``goal_id`` from ``effective_from``, made against a version."""

    goal_id: uuid.UUID
    expected_version: int
    effective_from: dt.date
    anchors: AnchorsIn
    reason: str


def _line(goal: Goal) -> repo.Line:
    return (goal.kpi_id, goal.scope_kind, goal.scope_id)


def _open_proposal(proposal: Goal) -> FieldError:
    message = (
        f"this goal already has an open proposal (from {proposal.effective_from.isoformat()}); "
        "it must be approved or rejected first"
    )
    return FieldError("VERSION_CONFLICT", message, VERSION)


def _reason_errors(reason: str | None, required: bool) -> list[FieldError]:
    if reason is not None and len(reason) > MAX_TEXT:
        return [FieldError("INVALID", f"must be at most {MAX_TEXT} characters", REASON)]
    if required and blank_to_none(reason) is None:
        return [FieldError("REASON_REQUIRED", "a reason is required", REASON)]
    return []


async def _revision_errors(
    session: AsyncSession, org: uuid.UUID, latest: Goal, data: ReviseIn
) -> list[FieldError]:
    """Reason, dates, anchors (as goalSet, by the line's basis), BEFORE_CURRENT, PERIOD_FINAL."""
    errors = _reason_errors(data.reason, required=True)
    if not EARLIEST <= data.effective_from <= LATEST:
        message = f"must lie between {EARLIEST.isoformat()} and {LATEST.isoformat()}"
        return [*errors, FieldError("INVALID", message, FROM)]
    (kpi,) = await catalog_repo.kpis(session, org, [latest.kpi_id])
    basis = AnchorBasis(latest.basis)
    errors += anchor_errors(data.anchors, Direction(kpi.direction), basis, kpi.code)
    if data.effective_from < latest.effective_from:
        message = (
            f"the current version {latest.version} runs {date_range(latest)}; "
            "a revision must start inside or after it"
        )
        errors.append(FieldError("BEFORE_CURRENT", message, FROM))
    if not errors:
        finals = await final_periods_reached(session, org, data.effective_from, _end(latest, data))
        errors += [period_final_error(p, *FROM) for p in finals[:1]]
    return errors


def _end(latest: Goal, data: ReviseIn) -> dt.date | None:
    """A revision inside the latest version ends where it ended; one after it stays open."""
    end = latest.effective_to
    return end if end is not None and data.effective_from < end else None


async def revise(session: AsyncSession, principal: Principal, data: ReviseIn) -> Goal:
    """Propose a new version of a line from ``effective_from`` (PROPOSED, no version yet)."""
    org = principal.organization_id
    named = next(iter(await repo.goals(session, org, [data.goal_id])), None)
    if named is None:
        raise Invalid.one("NOT_FOUND", "no such goal", "input", "goalId")
    kind = GoalScopeKind(named.scope_kind)
    await authority.require_proposer(session, principal, kind, named.scope_id, data.effective_from)
    await repo.lock_line(session, org, _line(named))
    state = line_state(await repo.line_rows(session, org, _line(named)))
    if state.proposal is not None:
        raise Invalid([_open_proposal(state.proposal)])
    if data.expected_version != state.version:
        message = f"this goal is at version {state.version}, not {data.expected_version}"
        raise Invalid.one("VERSION_CONFLICT", message, *VERSION)
    latest = state.latest
    if latest is None:
        raise Invalid.one("NOT_FOUND", "this goal has no approved version", "input", "goalId")
    errors = await _revision_errors(session, org, latest, data)
    if errors:
        raise Invalid(errors)
    actor = await actor_of(session, principal)
    new = NewVersion(
        kpi_id=latest.kpi_id,
        scope_kind=kind,
        scope_id=latest.scope_id,
        effective_from=data.effective_from,
        effective_to=_end(latest, data),
        mode=latest.mode,
        basis=latest.basis,
        anchors=data.anchors,
        reason=blank_to_none(data.reason),
        supersedes_id=latest.id,
    )
    proposal = goal_row(org, new, actor)
    proposal.based_on_version = state.version
    session.add(proposal)
    await flush_or(session, _open_proposal(proposal))
    await _audit(session, principal, "goal.propose", proposal, None, actor)
    return proposal


async def _decidable(
    session: AsyncSession, principal: Principal, proposal_id: uuid.UUID, *, withdraw: bool
) -> tuple[Goal, LineState, ActorRef]:
    """The proposal (locked with its line) once the caller may decide it; its author may
    only withdraw (reject) it."""
    org = principal.organization_id
    found = next(iter(await repo.goals(session, org, [proposal_id])), None)
    if found is None:
        raise Invalid.one("NOT_FOUND", "no such goal", *PROPOSAL)
    actor = await actor_of(session, principal)
    author = authority.is_author(found, actor)
    if not (withdraw and author) and not await authority.may_decide(session, principal, found):
        raise Forbidden(f"{principal.label} may not decide proposals for this goal")
    await repo.lock_line(session, org, _line(found))
    rows = await repo.line_rows(session, org, _line(found))
    proposal = next(r for r in rows if r.id == found.id)
    if proposal.status != PROPOSED:
        message = f"this goal is {proposal.status}, not PROPOSED: it was decided already"
        raise Invalid.one("NOT_PROPOSED", message, *PROPOSAL)
    if author and not withdraw:
        message = "nobody approves their own proposal: another approver must decide it"
        raise Invalid.one("OWN_PROPOSAL", message, *PROPOSAL)
    return proposal, line_state(rows), actor


async def approve(
    session: AsyncSession, principal: Principal, proposal_id: uuid.UUID, reason: str | None
) -> Goal:
    """Approve a proposal: the next version number; the version it revises ends where it
    starts (SUPERSEDED when wholly replaced). PERIOD_FINAL and the version are checked again."""
    org = principal.organization_id
    proposal, state, actor = await _decidable(session, principal, proposal_id, withdraw=False)
    if proposal.based_on_version != state.version:
        message = (
            f"this proposal was made against version {proposal.based_on_version}; the goal is "
            f"at version {state.version} now: reject it and propose again"
        )
        raise Invalid.one("VERSION_CONFLICT", message, *PROPOSAL)
    errors = _reason_errors(reason, required=False)
    finals = await final_periods_reached(
        session, org, proposal.effective_from, proposal.effective_to
    )
    errors += [period_final_error(p, *PROPOSAL) for p in finals[:1]]
    if errors:
        raise Invalid(errors)
    line = _line(proposal)
    start, end = proposal.effective_from, proposal.effective_to
    for old in await repo.approved_overlapping(session, org, line, start, end):
        if proposal.supersedes_id is None:  # a manager's goalSet: its own dates, no replacing
            message = f"overlaps approved version {old.version} of this goal ({date_range(old)})"
            raise Invalid.one("OVERLAP", message, *PROPOSAL)
        before = snapshot(old)
        if old.effective_from >= start:
            old.status = SUPERSEDED  # wholly replaced: it never governs a day any more
        else:
            old.effective_to = start
        await session.flush()  # before the approval: the exclusion constraint checks
        action = "goal.supersede" if old.status == SUPERSEDED else "goal.end"
        await _audit(session, principal, action, old, before, actor)
    before = snapshot(proposal)
    approve_row(proposal, state.version + 1, actor, blank_to_none(reason))
    await session.flush()
    await _audit(session, principal, "goal.approve", proposal, before, actor)
    return proposal


async def reject(
    session: AsyncSession, principal: Principal, proposal_id: uuid.UUID, reason: str | None
) -> Goal:
    """Reject a proposal with a reason (its author may withdraw it the same way)."""
    proposal, _, actor = await _decidable(session, principal, proposal_id, withdraw=True)
    errors = _reason_errors(reason, required=True)
    if errors:
        raise Invalid(errors)
    before = snapshot(proposal)
    proposal.status = "REJECTED"
    proposal.approver_kind = actor.kind
    proposal.approver_label = actor.label
    proposal.approver_employee_id = actor.employee_id
    proposal.decided_at = dt.datetime.now(dt.UTC)
    proposal.decision_reason = blank_to_none(reason)
    await session.flush()
    await _audit(session, principal, "goal.reject", proposal, before, actor)
    return proposal


async def _audit(
    session: AsyncSession,
    principal: Principal,
    action: str,
    goal: Goal,
    before: dict[str, object] | None,
    actor: ActorRef,
) -> None:
    reason = goal.decision_reason if action in ("goal.approve", "goal.reject") else goal.reason
    await record(
        session,
        principal,
        action=action,
        entity_type="Goal",
        entity_id=goal.id,
        before=before,
        after=snapshot(goal),
        reason=reason,
        actor_employee_id=actor.employee_id,
    )
