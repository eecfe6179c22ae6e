"""Who may read which scorecards, team scorecards and trends (architecture.md "Auth model").

hr and admin read everything, an integration needs ``scorecards:read``, a user reads their own
employee's scorecards and trends, and a manager those of every employee and unit in the subtrees
they lead. Leadership is checked on the days that matter: the last day of the period the
employee was assigned (or the period's / range's last day for a unit) and today, each time
against the employee's unit on that same day. So a manager keeps seeing last month's scorecards
of a team they led then, and sees the current team's from the day they take it over.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence

from sqlalchemy import func, or_, select, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from kra_api.auth.principal import Principal, Scope, UserRole
from kra_api.errors import Forbidden
from kra_api.models import Assignment, Employee

_LEADS_OVER = text(
    """
    WITH RECURSIVE wanted(unit_id, day) AS (
        SELECT a.org_unit_id, w.day
        FROM unnest(CAST(:employees AS uuid[]), CAST(:employee_days AS date[])) AS w(id, day)
        JOIN assignment a ON a.organization_id = :org AND a.employee_id = w.id
         AND a.effective_from <= w.day AND (a.effective_to IS NULL OR a.effective_to > w.day)
        UNION ALL
        SELECT * FROM unnest(CAST(:units AS uuid[]), CAST(:unit_days AS date[]))
    ),
    up(id, day, depth) AS (
        SELECT unit_id, day, 0 FROM wanted
        UNION ALL
        SELECT u.parent_id, up.day, up.depth + 1
        FROM org_unit u JOIN up ON u.organization_id = :org AND u.id = up.id
        WHERE u.parent_id IS NOT NULL AND up.depth < 64
    )
    SELECT EXISTS (
        SELECT 1 FROM up JOIN org_unit_leadership l
          ON l.organization_id = :org AND l.org_unit_id = up.id AND l.employee_id = :leader
         AND l.effective_from <= up.day AND (l.effective_to IS NULL OR l.effective_to > up.day)
    )
    """
)


async def viewer_employee(session: AsyncSession, principal: Principal) -> uuid.UUID | None:
    """The employee a user token stands for (None: an integration or a token without one)."""
    if principal.is_integration or principal.employee_external_id is None:
        return None
    stmt = select(col(Employee.id)).where(
        col(Employee.organization_id) == principal.organization_id,
        col(Employee.external_id) == principal.employee_external_id,
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def leads_over(
    session: AsyncSession,
    org_id: uuid.UUID,
    leader: uuid.UUID,
    employees: Sequence[tuple[uuid.UUID, dt.date]] = (),
    units: Sequence[tuple[uuid.UUID, dt.date]] = (),
) -> bool:
    """Whether ``leader`` led, on one of the days, the employee's unit of that day (or the
    unit), or an ancestor of it: one statement."""
    params = {
        "org": org_id,
        "leader": leader,
        "employees": [e for e, _ in employees],
        "employee_days": [d for _, d in employees],
        "units": [u for u, _ in units],
        "unit_days": [d for _, d in units],
    }
    return bool((await session.execute(_LEADS_OVER, params)).scalar_one())


async def last_assigned_day(
    session: AsyncSession, org_id: uuid.UUID, employee: uuid.UUID, span: tuple[dt.date, dt.date]
) -> dt.date:
    """The last day of ``span`` the employee was assigned (the span's last day if never)."""
    end = func.least(func.coalesce(col(Assignment.effective_to), span[1]), span[1])
    stmt = select(func.max(end)).where(
        col(Assignment.organization_id) == org_id,
        col(Assignment.employee_id) == employee,
        col(Assignment.effective_from) < span[1],
        or_(col(Assignment.effective_to).is_(None), col(Assignment.effective_to) > span[0]),
    )
    found = (await session.execute(stmt)).scalar_one_or_none()
    return (found or span[1]) - dt.timedelta(days=1)


def _reads_everything(principal: Principal) -> bool | None:
    """True for hr/admin and scorecards:read keys, False for other keys, None: decide further."""
    if principal.is_integration:
        return principal.has_scope(Scope.SCORECARDS_READ)
    return True if principal.is_hr_or_admin else None


async def check_employee(
    session: AsyncSession,
    principal: Principal,
    employee: uuid.UUID,
    span: tuple[dt.date, dt.date],
    today: dt.date,
) -> None:
    """FORBIDDEN unless the caller may read the employee's scorecard / trend over ``span``."""
    everything = _reads_everything(principal)
    if everything is not None:
        if not everything:
            raise Forbidden(f"{principal.label} may not read scorecards")
        return
    viewer = await viewer_employee(session, principal)
    if viewer is not None and viewer == employee:
        if principal.has_role(UserRole.EMPLOYEE, UserRole.MANAGER):
            return
    elif viewer is not None and principal.has_role(UserRole.MANAGER):
        org = principal.organization_id
        day = await last_assigned_day(session, org, employee, span)
        if await leads_over(session, org, viewer, employees=[(employee, day), (employee, today)]):
            return
    raise Forbidden(f"{principal.label} may not read this employee's scorecards")


async def check_unit(
    session: AsyncSession, principal: Principal, unit: uuid.UUID, last_day: dt.date, today: dt.date
) -> None:
    """FORBIDDEN unless the caller may read the unit's team scorecard / trend."""
    everything = _reads_everything(principal)
    if everything is not None:
        if not everything:
            raise Forbidden(f"{principal.label} may not read scorecards")
        return
    viewer = await viewer_employee(session, principal)
    if viewer is not None and principal.has_role(UserRole.MANAGER):
        org = principal.organization_id
        if await leads_over(session, org, viewer, units=[(unit, last_day), (unit, today)]):
            return
    raise Forbidden(f"{principal.label} may not read this unit's scorecards")
