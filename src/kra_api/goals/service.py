"""Rules for goal versions: goalSet adds a version to a line. Never commits.

A goal line is (KPI, scope). Its approved versions never overlap; each gets the next version
number of the line when approved. A manager's goalSet is a proposal (PROPOSED, no number yet);
revisions, approvals and rejections live in ``revisions``.
"""

from __future__ import annotations

import uuid

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from kra_api.audit.actor import actor_of
from kra_api.audit.service import record, snapshot
from kra_api.auth.principal import Principal
from kra_api.catalog import repository as catalog_repo
from kra_api.errors import FieldError, Invalid
from kra_api.goals import authority
from kra_api.goals import repository as repo
from kra_api.goals.lines import date_range, line_state
from kra_api.goals.rows import NewVersion, approve_row, goal_row
from kra_api.goals.schemas import GoalIn, anchor_errors
from kra_api.kras.rules import MAX_TEXT, blank_to_none
from kra_api.models import Employee, Goal, OrgUnit, Role
from kra_api.periods.calendar import EARLIEST, LATEST
from kra_api.periods.finality import final_periods_reached, period_final_error
from kra_api.scoring.anchors import Direction
from kra_api.scoring.goals import GoalScopeKind

EXCLUSION_VIOLATION = "23P01"
FROM_PATH = ("input", "effectiveFrom")
_SCOPE_TABLES: dict[GoalScopeKind, type[Role] | type[OrgUnit] | type[Employee]] = {
    GoalScopeKind.ROLE: Role,
    GoalScopeKind.ORG_UNIT: OrgUnit,
    GoalScopeKind.EMPLOYEE: Employee,
}
_SCOPE_WORDS = {
    GoalScopeKind.ROLE: "role",
    GoalScopeKind.ORG_UNIT: "org unit",
    GoalScopeKind.EMPLOYEE: "employee",
}


def _date_errors(data: GoalIn) -> list[FieldError]:
    errors: list[FieldError] = []
    for name, day in (("effectiveFrom", data.effective_from), ("effectiveTo", data.effective_to)):
        if day is not None and not EARLIEST <= day <= LATEST:
            message = f"must lie between {EARLIEST.isoformat()} and {LATEST.isoformat()}"
            errors.append(FieldError("INVALID", message, ("input", name)))
    if not errors and data.effective_to is not None and data.effective_to <= data.effective_from:
        message = "effectiveTo must be after effectiveFrom"
        errors.append(FieldError("INVALID", message, ("input", "effectiveTo")))
    if data.reason is not None and len(data.reason) > MAX_TEXT:
        message = f"must be at most {MAX_TEXT} characters"
        errors.append(FieldError("INVALID", message, ("input", "reason")))
    return errors


async def scope_exists(
    session: AsyncSession, org: uuid.UUID, kind: GoalScopeKind, scope_id: uuid.UUID
) -> bool:
    """Whether the role, org unit or employee a goal is set for exists in the organization."""
    return await session.get(_SCOPE_TABLES[kind], (org, scope_id)) is not None


async def _checked(session: AsyncSession, org: uuid.UUID, data: GoalIn) -> list[FieldError]:
    """Every refusal of a goalSet input, in input order."""
    errors: list[FieldError] = []
    kpi = next(iter(await catalog_repo.kpis(session, org, [data.kpi_id])), None)
    if kpi is None:
        errors.append(FieldError("NOT_FOUND", "no such KPI", ("input", "kpiId")))
    if await session.get(_SCOPE_TABLES[data.scope_kind], (org, data.scope_id)) is None:
        message = f"no such {_SCOPE_WORDS[data.scope_kind]}"
        errors.append(FieldError("NOT_FOUND", message, ("input", "scopeId")))
    errors += _date_errors(data)
    if kpi is not None:
        errors += anchor_errors(data.anchors, Direction(kpi.direction), data.basis, kpi.code)
    if errors:
        return errors
    line = (data.kpi_id, data.scope_kind.value, data.scope_id)
    for other in await repo.approved_overlapping(
        session, org, line, data.effective_from, data.effective_to
    ):
        message = f"overlaps approved version {other.version} of this goal ({date_range(other)})"
        errors.append(FieldError("OVERLAP", message, FROM_PATH))
    finals = await final_periods_reached(session, org, data.effective_from, data.effective_to)
    errors += [period_final_error(p, *FROM_PATH) for p in finals[:1]]
    return errors


async def set_goal(session: AsyncSession, principal: Principal, data: GoalIn) -> Goal:
    """Add a version to a goal line: APPROVED at once for hr, admin and definitions:write keys
    (ROLE scope), PROPOSED for a manager inside their subtree (approved later)."""
    org = principal.organization_id
    line = (data.kpi_id, data.scope_kind.value, data.scope_id)
    direct = True  # an unknown scope is NOT_FOUND below, for every caller
    if await scope_exists(session, org, data.scope_kind, data.scope_id):
        direct = await authority.sets_directly(
            session, principal, data.scope_kind, data.scope_id, data.effective_from
        )
    await repo.lock_line(session, org, line)
    errors = await _checked(session, org, data)
    if errors:
        raise Invalid(errors)
    state = line_state(await repo.line_rows(session, org, line))
    if not direct and state.proposal is not None:
        message = (
            f"this goal has an open proposal from {state.proposal.effective_from.isoformat()}; "
            "it must be approved or rejected first"
        )
        raise Invalid.one("PROPOSAL_PENDING", message, *FROM_PATH)
    actor = await actor_of(session, principal)
    new = NewVersion(
        kpi_id=data.kpi_id,
        scope_kind=data.scope_kind,
        scope_id=data.scope_id,
        effective_from=data.effective_from,
        effective_to=data.effective_to,
        mode=data.mode.value,
        basis=data.basis.value,
        anchors=data.anchors,
        reason=blank_to_none(data.reason),
    )
    goal = goal_row(org, new, actor)
    if direct:
        approve_row(goal, state.version + 1, actor, None)
    else:
        goal.based_on_version = state.version
    session.add(goal)
    try:
        await session.flush()
    except IntegrityError as exc:
        # The line lock makes this unreachable for goalSet; the constraints still hold for any
        # other writer of the table.
        if getattr(exc.driver_exception, "sqlstate", None) == EXCLUSION_VIOLATION:
            message = "overlaps an approved version of this goal written meanwhile"
            raise Invalid.one("OVERLAP", message, *FROM_PATH) from exc
        raise
    await record(
        session,
        principal,
        action="goal.set" if direct else "goal.propose",
        entity_type="Goal",
        entity_id=goal.id,
        after=snapshot(goal),
        reason=goal.reason,
        actor_employee_id=actor.employee_id,
    )
    return goal
