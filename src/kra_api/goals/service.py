"""Rules for goal versions: goalSet adds an APPROVED version to a line. Never commits.

A goal line is (KPI, scope). Its approved versions never overlap; each gets the next version
number of the line when approved. Proposals (PROPOSED, no number yet), approvals and revisions
arrive with the revisions issue and use the same table.
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from kra_api.audit.actor import actor_of
from kra_api.audit.service import record, snapshot
from kra_api.auth.principal import Principal
from kra_api.catalog import repository as catalog_repo
from kra_api.errors import FieldError, Invalid
from kra_api.goals import repository as repo
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


def _range(goal: Goal) -> str:
    end = goal.effective_to.isoformat() if goal.effective_to else "open-ended"
    return f"{goal.effective_from.isoformat()} to {end}"


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


def _scope_columns(kind: GoalScopeKind, scope_id: uuid.UUID) -> dict[str, uuid.UUID | None]:
    """The foreign-key column matching the scope kind, the others null."""
    return {
        "role_id": scope_id if kind is GoalScopeKind.ROLE else None,
        "org_unit_id": scope_id if kind is GoalScopeKind.ORG_UNIT else None,
        "employee_id": scope_id if kind is GoalScopeKind.EMPLOYEE else None,
    }


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
        message = f"overlaps approved version {other.version} of this goal ({_range(other)})"
        errors.append(FieldError("OVERLAP", message, FROM_PATH))
    finals = await final_periods_reached(session, org, data.effective_from, data.effective_to)
    errors += [period_final_error(p, *FROM_PATH) for p in finals[:1]]
    return errors


async def set_goal(session: AsyncSession, principal: Principal, data: GoalIn) -> Goal:
    """Add an APPROVED version to a goal line (hr, admin, definitions:write)."""
    org = principal.organization_id
    line = (data.kpi_id, data.scope_kind.value, data.scope_id)
    await repo.lock_line(session, org, line)
    errors = await _checked(session, org, data)
    if errors:
        raise Invalid(errors)
    actor = await actor_of(session, principal)
    now = dt.datetime.now(dt.UTC)
    columns, anchors = _scope_columns(data.scope_kind, data.scope_id), data.anchors
    goal = Goal(
        organization_id=org,
        kpi_id=data.kpi_id,
        scope_kind=data.scope_kind.value,
        scope_id=data.scope_id,
        role_id=columns["role_id"],
        org_unit_id=columns["org_unit_id"],
        employee_id=columns["employee_id"],
        effective_from=data.effective_from,
        effective_to=data.effective_to,
        mode=data.mode.value,
        basis=data.basis.value,
        threshold=anchors.threshold,
        target=anchors.target,
        stretch=anchors.stretch,
        low_threshold=anchors.low_threshold,
        low_target=anchors.low_target,
        high_target=anchors.high_target,
        high_threshold=anchors.high_threshold,
        status="APPROVED",
        version=await repo.next_version(session, org, line),
        author_kind=actor.kind,
        author_label=actor.label,
        author_employee_id=actor.employee_id,
        approver_kind=actor.kind,
        approver_label=actor.label,
        approver_employee_id=actor.employee_id,
        decided_at=now,
        reason=blank_to_none(data.reason),
    )
    session.add(goal)
    try:
        await session.flush()
    except IntegrityError as exc:
        # The line lock makes this unreachable for goalSet; the constraint still holds for any
        # other writer of the table.
        if getattr(exc.driver_exception, "sqlstate", None) == EXCLUSION_VIOLATION:
            message = "overlaps an approved version of this goal written meanwhile"
            raise Invalid.one("OVERLAP", message, *FROM_PATH) from exc
        raise
    await record(
        session,
        principal,
        action="goal.set",
        entity_type="Goal",
        entity_id=goal.id,
        after=snapshot(goal),
        reason=goal.reason,
        actor_employee_id=actor.employee_id,
    )
    return goal
