"""goalSimulate: the period's scorecards if a goal line had other anchors. Writes nothing.

The simulated version replaces every version of its line (KPI, scope) on every day of the
period; the scorecards compared are those of everyone the scope reaches in the period.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from kra_api.audit.actor import ActorRef
from kra_api.auth.principal import Principal
from kra_api.catalog import repository as catalog_repo
from kra_api.errors import FieldError, Forbidden, Invalid
from kra_api.goals import authority
from kra_api.goals.rows import NewVersion, goal_row
from kra_api.goals.schemas import AnchorsIn, anchor_errors
from kra_api.goals.service import scope_exists
from kra_api.models import Goal, Organization, Period
from kra_api.scoring.anchors import Direction, ScoringMode
from kra_api.scoring.goals import AnchorBasis, GoalScopeKind
from kra_api.scoring.overrides import Overrides
from kra_api.scoring.simulation import Simulation, people_in_scope, simulate


@dataclass(frozen=True)
class GoalSimulationIn:
    """A line (KPI, scope), the anchors to try on it, and the period to score."""

    kpi_id: uuid.UUID
    scope_kind: GoalScopeKind
    scope_id: uuid.UUID
    anchors: AnchorsIn
    period_id: uuid.UUID
    mode: ScoringMode = ScoringMode.LINEAR
    basis: AnchorBasis = AnchorBasis.ABSOLUTE


def _what_if(org: uuid.UUID, data: GoalSimulationIn, period: Period, who: Principal) -> Goal:
    """A transient APPROVED version of the line covering the whole period (never stored)."""
    new = NewVersion(
        kpi_id=data.kpi_id,
        scope_kind=data.scope_kind,
        scope_id=data.scope_id,
        effective_from=period.start_date,
        effective_to=period.end_date,
        mode=data.mode.value,
        basis=data.basis.value,
        anchors=data.anchors,
        reason=None,
    )
    goal = goal_row(org, new, ActorRef(who.kind, who.label))
    goal.status = "APPROVED"
    return goal


async def simulate_goal(
    session: AsyncSession, principal: Principal, data: GoalSimulationIn
) -> Simulation:
    """Every affected scorecard of the period as stored and with the simulated goal."""
    org_id = principal.organization_id
    errors: list[FieldError] = []
    kpi = next(iter(await catalog_repo.kpis(session, org_id, [data.kpi_id])), None)
    if kpi is None:
        errors.append(FieldError("NOT_FOUND", "no such KPI", ("input", "kpiId")))
    period = await session.get(Period, (org_id, data.period_id))
    if period is None:
        errors.append(FieldError("NOT_FOUND", "no such period", ("input", "periodId")))
    if not await scope_exists(session, org_id, data.scope_kind, data.scope_id):
        message = f"no such {data.scope_kind.value.lower().replace('_', ' ')}"
        errors.append(FieldError("NOT_FOUND", message, ("input", "scopeId")))
    elif period is not None and not await authority.may_propose(
        session, principal, data.scope_kind, data.scope_id, period.start_date
    ):
        raise Forbidden(f"{principal.label} may not simulate goals for this scope")
    if kpi is not None:
        direction = Direction(kpi.direction)
        errors += anchor_errors(data.anchors, direction, data.basis, kpi.code)
    if errors:
        raise Invalid(errors)
    assert period is not None
    org = await session.get(Organization, org_id)
    assert org is not None  # the credential's organization exists
    scope = {data.scope_kind.value: data.scope_id}
    people = await people_in_scope(
        session,
        org_id,
        period,
        role=scope.get("ROLE"),
        unit=scope.get("ORG_UNIT"),
        employee=scope.get("EMPLOYEE"),
    )
    overrides = Overrides(goals=(_what_if(org_id, data, period, principal),))
    return await simulate(session, org, period, people, overrides)
