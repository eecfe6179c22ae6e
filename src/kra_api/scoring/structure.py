"""Who was where, when: the org tree, assignments and leadership a scoring run needs.

Loaded with one statement per table for every employee of the run at once (never per employee),
then queried in memory. Assignments are clipped at the employee's termination (``terminated_on``
is the last day worked) and at the horizon of the run.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from kra_api.models import Assignment, Employee, OrgUnit, OrgUnitLeadership
from kra_api.scoring.windows import DateRange, clip

ONE_DAY = dt.timedelta(days=1)
MAX_DEPTH = 64  # the same bound the org-unit queries use against a corrupt (cyclic) tree


@dataclass(frozen=True)
class Stint:
    """Part of an assignment inside the horizon: a role in a unit over ``[start, end)``."""

    employee_id: uuid.UUID
    role_id: uuid.UUID
    unit_id: uuid.UUID
    start: dt.date
    end: dt.date


@dataclass(frozen=True)
class Lead:
    """A leadership inside the horizon: ``employee_id`` led ``unit_id`` over ``[start, end)``."""

    unit_id: uuid.UUID
    employee_id: uuid.UUID
    start: dt.date
    end: dt.date


@dataclass
class Structure:
    """The org tree, stints and leaderships overlapping a horizon, indexed for lookups."""

    parent: dict[uuid.UUID, uuid.UUID | None]
    stints: list[Stint]
    leads: list[Lead]
    children: dict[uuid.UUID, list[uuid.UUID]] = field(default_factory=dict)
    by_employee: dict[uuid.UUID, list[Stint]] = field(default_factory=dict)
    by_unit: dict[uuid.UUID, list[Stint]] = field(default_factory=dict)
    leads_by_employee: dict[uuid.UUID, list[Lead]] = field(default_factory=dict)
    _ancestors: dict[uuid.UUID, tuple[uuid.UUID, ...]] = field(default_factory=dict)
    _subtrees: dict[uuid.UUID, tuple[uuid.UUID, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        children: dict[uuid.UUID, list[uuid.UUID]] = defaultdict(list)
        for unit, parent in self.parent.items():
            if parent is not None:
                children[parent].append(unit)
        self.children = dict(children)
        by_employee: dict[uuid.UUID, list[Stint]] = defaultdict(list)
        by_unit: dict[uuid.UUID, list[Stint]] = defaultdict(list)
        for s in sorted(self.stints, key=lambda s: s.start):
            by_employee[s.employee_id].append(s)
            by_unit[s.unit_id].append(s)
        self.by_employee, self.by_unit = dict(by_employee), dict(by_unit)
        leads: dict[uuid.UUID, list[Lead]] = defaultdict(list)
        for lead in self.leads:
            leads[lead.employee_id].append(lead)
        self.leads_by_employee = dict(leads)

    def ancestors(self, unit: uuid.UUID) -> tuple[uuid.UUID, ...]:
        """The unit, its parent, ... up to the root (nearest first)."""
        found = self._ancestors.get(unit)
        if found is None:
            chain: list[uuid.UUID] = []
            current: uuid.UUID | None = unit
            while current is not None and len(chain) < MAX_DEPTH:
                chain.append(current)
                current = self.parent.get(current)
            found = self._ancestors[unit] = tuple(chain)
        return found

    def subtree(self, unit: uuid.UUID) -> tuple[uuid.UUID, ...]:
        """The unit and every unit below it."""
        found = self._subtrees.get(unit)
        if found is None:
            units, frontier, depth = [unit], [unit], 0
            while frontier and depth < MAX_DEPTH:
                frontier = [c for u in frontier for c in self.children.get(u, ())]
                units.extend(frontier)
                depth += 1
            found = self._subtrees[unit] = tuple(units)
        return found

    def stint_on(self, employee: uuid.UUID, day: dt.date) -> Stint | None:
        """The employee's stint in force on ``day``."""
        for s in self.by_employee.get(employee, ()):
            if s.start <= day < s.end:
                return s
        return None

    def last_assigned_day(self, employee: uuid.UUID, period: DateRange) -> dt.date | None:
        """The last day of ``period`` on which the employee was assigned (None: never)."""
        ends = [
            min(s.end, period[1]) - ONE_DAY
            for s in self.by_employee.get(employee, ())
            if s.start < period[1] and s.end > period[0]
        ]
        return max(ends) if ends else None

    def stints_in(self, employee: uuid.UUID, period: DateRange) -> list[Stint]:
        """The employee's stints clipped to ``period``, in time order."""
        result = []
        for s in self.by_employee.get(employee, ()):
            rng = clip(s.start, s.end, *period)
            if rng is not None:
                result.append(Stint(s.employee_id, s.role_id, s.unit_id, *rng))
        return result


async def load_tree(session: AsyncSession, org_id: uuid.UUID) -> dict[uuid.UUID, uuid.UUID | None]:
    """Every org unit's parent (the tree is small next to people and readings)."""
    stmt = select(col(OrgUnit.id), col(OrgUnit.parent_id)).where(
        col(OrgUnit.organization_id) == org_id
    )
    return {unit: parent for unit, parent in (await session.execute(stmt)).all()}


async def load_leads(
    session: AsyncSession,
    org_id: uuid.UUID,
    horizon: DateRange,
    leaders: Sequence[uuid.UUID] | None = None,
) -> list[Lead]:
    """Leaderships (of ``leaders``; None: anyone) overlapping the horizon, clipped to it."""
    L = OrgUnitLeadership  # noqa: N806 - a table alias reads best short
    stmt = select(
        col(L.org_unit_id), col(L.employee_id), col(L.effective_from), col(L.effective_to)
    ).where(
        col(L.organization_id) == org_id,
        col(L.employee_id).is_not(None),
        col(L.effective_from) < horizon[1],
        or_(col(L.effective_to).is_(None), col(L.effective_to) > horizon[0]),
    )
    if leaders is not None:
        stmt = stmt.where(col(L.employee_id).in_(list(leaders)))
    leads = []
    for unit, employee, start, end in (await session.execute(stmt)).all():
        rng = clip(start, end, *horizon)
        if rng is not None and employee is not None:
            leads.append(Lead(unit, employee, *rng))
    return leads


async def load_stints(
    session: AsyncSession,
    org_id: uuid.UUID,
    horizon: DateRange,
    employee_ids: Sequence[uuid.UUID] | None,
    unit_ids: Sequence[uuid.UUID] = (),
) -> list[Stint]:
    """Assignments overlapping the horizon, clipped to it and to termination.

    ``employee_ids`` None loads everyone's; otherwise those employees' assignments, the
    assignments of every unit they belonged to in the horizon (their peers) and those of
    ``unit_ids`` (units they led, subtrees included).
    """
    A = Assignment  # noqa: N806
    overlap = and_(
        col(A.organization_id) == org_id,
        col(A.effective_from) < horizon[1],
        or_(col(A.effective_to).is_(None), col(A.effective_to) > horizon[0]),
    )
    stmt = (
        select(
            col(A.employee_id),
            col(A.role_id),
            col(A.org_unit_id),
            col(A.effective_from),
            col(A.effective_to),
            col(Employee.terminated_on),
        )
        .join(
            Employee,
            and_(
                col(Employee.organization_id) == col(A.organization_id),
                col(Employee.id) == col(A.employee_id),
            ),
        )
        .where(overlap)
    )
    if employee_ids is not None:
        own_units = select(col(A.org_unit_id)).where(overlap, col(A.employee_id).in_(employee_ids))
        stmt = stmt.where(
            or_(
                col(A.employee_id).in_(employee_ids),
                col(A.org_unit_id).in_(own_units),
                col(A.org_unit_id).in_(list(unit_ids)),
            )
        )
    stints = []
    for employee, role, unit, start, end, terminated in (await session.execute(stmt)).all():
        if terminated is not None:
            last = terminated + ONE_DAY
            end = last if end is None else min(end, last)
        rng = clip(start, end, *horizon)
        if rng is not None:
            stints.append(Stint(employee, role, unit, *rng))
    return stints


async def load_structure(
    session: AsyncSession,
    org_id: uuid.UUID,
    horizon: DateRange,
    employee_ids: Sequence[uuid.UUID] | None,
    team_unit: uuid.UUID | None = None,
) -> Structure:
    """Tree, leaderships and the stints of ``employee_ids`` (None: everyone) and their groups:
    peers, members of the units they led and of ``team_unit``'s subtree."""
    parent = await load_tree(session, org_id)
    # Only the run's employees' own leaderships matter (their LED_UNITS groups).
    leads = await load_leads(session, org_id, horizon, employee_ids)
    units: set[uuid.UUID] = set()
    if employee_ids is not None:
        wanted = set(employee_ids)
        probe = Structure(parent, [], [])
        tops = [lead.unit_id for lead in leads if lead.employee_id in wanted]
        tops += [team_unit] if team_unit is not None else []
        units = {u for top in tops for u in probe.subtree(top)}
    stints = await load_stints(session, org_id, horizon, employee_ids, sorted(units))
    return Structure(parent, stints, leads)
