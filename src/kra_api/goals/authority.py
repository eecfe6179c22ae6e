"""Who may set, revise, approve and reject goals (architecture.md "Auth model").

hr and admin act on every scope; a definitions:write key sets ROLE goals. A manager proposes and
decides goals at ORG_UNIT or EMPLOYEE scope inside the subtrees they lead, never their own
EMPLOYEE goal: leadership is checked on today and on the goal's first day (either suffices,
so a manager taking a team over next month can prepare its goals).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from kra_api.audit.actor import ActorRef
from kra_api.auth.principal import Principal, Scope, UserRole
from kra_api.errors import Forbidden
from kra_api.models import Goal, Organization
from kra_api.periods.state import local_date
from kra_api.scoring import access
from kra_api.scoring.goals import GoalScopeKind


async def today(session: AsyncSession, org_id: uuid.UUID) -> dt.date:
    """Today in the organization's time zone."""
    org = await session.get(Organization, org_id)
    assert org is not None  # the credential's organization exists (checked at authentication)
    return local_date(dt.datetime.now(dt.UTC), org.timezone)


async def _leads_scope(
    session: AsyncSession,
    principal: Principal,
    kind: GoalScopeKind,
    scope_id: uuid.UUID,
    days: Sequence[dt.date],
) -> bool:
    """Whether the calling manager leads the scope (or an ancestor of it) on one of ``days``."""
    if kind is GoalScopeKind.ROLE or not principal.has_role(UserRole.MANAGER):
        return False
    viewer = await access.viewer_employee(session, principal)
    if viewer is None or (kind is GoalScopeKind.EMPLOYEE and viewer == scope_id):
        return False  # nobody sets or decides their own goals
    org = principal.organization_id
    pairs = [(scope_id, day) for day in days]
    if kind is GoalScopeKind.EMPLOYEE:
        return await access.leads_over(session, org, viewer, employees=pairs)
    return await access.leads_over(session, org, viewer, units=pairs)


async def sets_directly(
    session: AsyncSession,
    principal: Principal,
    kind: GoalScopeKind,
    scope_id: uuid.UUID,
    day: dt.date,
) -> bool:
    """goalSet: True when the caller's version is approved at once, False when it is a
    proposal (a manager in their subtree); FORBIDDEN for anyone else."""
    if principal.is_integration:
        if kind is GoalScopeKind.ROLE and principal.has_scope(Scope.DEFINITIONS_WRITE):
            return True
    elif principal.is_hr_or_admin:
        return True
    else:
        days = [await today(session, principal.organization_id), day]
        if await _leads_scope(session, principal, kind, scope_id, days):
            return False
    raise Forbidden(f"{principal.label} may not set goals for this {_word(kind)}")


async def may_propose(
    session: AsyncSession,
    principal: Principal,
    kind: GoalScopeKind,
    scope_id: uuid.UUID,
    day: dt.date,
) -> bool:
    """Whether the caller may propose (or simulate) goals of the scope from ``day``: hr and
    admin on every scope, managers inside their subtree."""
    if principal.is_hr_or_admin and not principal.is_integration:
        return True
    days = [await today(session, principal.organization_id), day]
    return await _leads_scope(session, principal, kind, scope_id, days)


async def require_proposer(
    session: AsyncSession,
    principal: Principal,
    kind: GoalScopeKind,
    scope_id: uuid.UUID,
    day: dt.date,
) -> None:
    """goalRevise: ``may_propose``, else FORBIDDEN."""
    if not await may_propose(session, principal, kind, scope_id, day):
        raise Forbidden(f"{principal.label} may not revise goals for this {_word(kind)}")


async def may_decide(session: AsyncSession, principal: Principal, goal: Goal) -> bool:
    """Whether the caller may approve or reject the proposal (its author aside)."""
    if principal.is_integration:
        return False
    if principal.is_hr_or_admin:
        return True
    kind = GoalScopeKind(goal.scope_kind)
    days = [await today(session, principal.organization_id), goal.effective_from]
    return await _leads_scope(session, principal, kind, goal.scope_id, days)


def is_author(goal: Goal, actor: ActorRef) -> bool:
    """Whether ``actor`` wrote the proposal: the same employee, or the same kind and label."""
    same_employee = (
        goal.author_employee_id is not None and goal.author_employee_id == actor.employee_id
    )
    return same_employee or (goal.author_kind, goal.author_label) == (actor.kind, actor.label)


def _word(kind: GoalScopeKind) -> str:
    return {"ROLE": "role", "ORG_UNIT": "org unit", "EMPLOYEE": "employee"}[kind.value]
