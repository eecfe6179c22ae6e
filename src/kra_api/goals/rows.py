"""Builds goal rows: approved versions (goalSet by hr/admin) and proposals (PROPOSED)."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from kra_api.audit.actor import ActorRef
from kra_api.goals.schemas import AnchorsIn
from kra_api.models import Goal
from kra_api.scoring.goals import GoalScopeKind


@dataclass(frozen=True)
class NewVersion:
    """What a new row of a line carries besides its status."""

    kpi_id: uuid.UUID
    scope_kind: GoalScopeKind
    scope_id: uuid.UUID
    effective_from: dt.date
    effective_to: dt.date | None
    mode: str
    basis: str
    anchors: AnchorsIn
    reason: str | None
    supersedes_id: uuid.UUID | None = None


def goal_row(org: uuid.UUID, new: NewVersion, author: ActorRef) -> Goal:
    """A PROPOSED row of ``new`` written by ``author`` (no version number until approved)."""
    kind, scope, a = new.scope_kind, new.scope_id, new.anchors
    return Goal(
        organization_id=org,
        kpi_id=new.kpi_id,
        scope_kind=kind.value,
        scope_id=scope,
        role_id=scope if kind is GoalScopeKind.ROLE else None,
        org_unit_id=scope if kind is GoalScopeKind.ORG_UNIT else None,
        employee_id=scope if kind is GoalScopeKind.EMPLOYEE else None,
        effective_from=new.effective_from,
        effective_to=new.effective_to,
        mode=new.mode,
        basis=new.basis,
        threshold=a.threshold,
        target=a.target,
        stretch=a.stretch,
        low_threshold=a.low_threshold,
        low_target=a.low_target,
        high_target=a.high_target,
        high_threshold=a.high_threshold,
        status="PROPOSED",
        supersedes_id=new.supersedes_id,
        author_kind=author.kind,
        author_label=author.label,
        author_employee_id=author.employee_id,
        reason=new.reason,
    )


def approve_row(goal: Goal, version: int, approver: ActorRef, reason: str | None) -> None:
    """Make ``goal`` the line's version ``version``, approved by ``approver`` now."""
    goal.status = "APPROVED"
    goal.version = version
    goal.approver_kind = approver.kind
    goal.approver_label = approver.label
    goal.approver_employee_id = approver.employee_id
    goal.decided_at = dt.datetime.now(dt.UTC)
    goal.decision_reason = reason
