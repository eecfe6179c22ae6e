"""Which goal versions govern an employee's KPI in a period, day by day (scoring.md §3, §8).

Precedence is decided per day: EMPLOYEE, then ORG_UNIT (the unit the employee belonged to that
day, then its ancestors, nearest first), then ROLE (the role held that day). Days are handled as
runs: the winner can only change where an assignment or a goal version starts or ends, so each
run between two such dates is decided once with the engine's ``winning_version`` and counted
by its length. Results are memoized per (KPI, stints, own goals): a team sharing role and unit
resolves once.
"""

from __future__ import annotations

import datetime as dt
import uuid
import weakref
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from kra_api.models import Goal
from kra_api.scoring.engine import (
    AnchorBasis,
    Anchors,
    GoalAssignment,
    GoalCandidate,
    GoalDays,
    GoalScopeKind,
    GoalVersion,
    RevisionMode,
    ScoringMode,
    winning_version,
)
from kra_api.scoring.structure import Stint, Structure
from kra_api.scoring.windows import DateRange

LineKey = tuple[uuid.UUID, GoalScopeKind, uuid.UUID]  # (kpi, scope kind, scope id)
Versions = list[tuple[dt.date, dt.date | None, GoalVersion]]
ScopedLine = tuple[Versions, GoalScopeKind, int]  # versions, scope, distance up the tree


def goal_version(row: Goal) -> GoalVersion:
    """The engine's view of an approved goal row (anchors are multipliers when RELATIVE)."""
    anchors = Anchors.of(
        threshold=row.threshold,
        target=row.target,
        stretch=row.stretch,
        low_threshold=row.low_threshold,
        low_target=row.low_target,
        high_target=row.high_target,
        high_threshold=row.high_threshold,
    )
    return GoalVersion(row.id, anchors, ScoringMode(row.mode), AnchorBasis(row.basis))


@dataclass(frozen=True)
class Scopes:
    """The scopes whose goals a run can use: roles held, units (ancestors included) and
    employees of the run; None: every scope (a run over the whole organization)."""

    roles: Collection[uuid.UUID]
    units: Collection[uuid.UUID]
    employees: Collection[uuid.UUID]


async def load_goals(
    session: AsyncSession,
    org_id: uuid.UUID,
    kpi_ids: Sequence[uuid.UUID],
    period: DateRange,
    scopes: Scopes | None,
) -> list[Goal]:
    """Approved goal versions of these KPIs in force on some day of the period, in ``scopes``."""
    if not kpi_ids:
        return []
    stmt = select(Goal).where(
        col(Goal.organization_id) == org_id,
        col(Goal.status) == "APPROVED",
        col(Goal.kpi_id).in_(list(kpi_ids)),
        col(Goal.effective_from) < period[1],
        or_(col(Goal.effective_to).is_(None), col(Goal.effective_to) > period[0]),
    )
    if scopes is not None:
        # Without it one employee's scorecard would load every employee goal of the organization.
        stmt = stmt.where(
            or_(
                and_(col(Goal.scope_kind) == "ROLE", col(Goal.scope_id).in_(list(scopes.roles))),
                and_(
                    col(Goal.scope_kind) == "ORG_UNIT", col(Goal.scope_id).in_(list(scopes.units))
                ),
                and_(
                    col(Goal.scope_kind) == "EMPLOYEE",
                    col(Goal.scope_id).in_(list(scopes.employees)),
                ),
            )
        )
    return list((await session.execute(stmt)).scalars())


def _in_force(versions: Versions, day: dt.date) -> GoalVersion | None:
    for start, end, version in versions:
        if start <= day and (end is None or day < end):
            return version
    return None


# Equal assignments (of different teams, and of earlier runs) shared as one object while any is
# alive: the engine's memo of resolve_goal, whose keys outlive a run, then finds them by identity
# instead of comparing every version of each (~70 000 deep comparisons per organization run).
_SHARED: weakref.WeakValueDictionary[GoalAssignment, GoalAssignment] = weakref.WeakValueDictionary()


class GoalBook:
    """The goal versions of a scoring run, indexed by line, with per-period resolution."""

    def __init__(self, rows: Iterable[Goal], structure: Structure) -> None:
        self.rows = {row.id: row for row in rows}
        self.structure = structure
        self.lines: dict[LineKey, Versions] = defaultdict(list)
        for row in self.rows.values():
            key = (row.kpi_id, GoalScopeKind(row.scope_kind), row.scope_id)
            self.lines[key].append((row.effective_from, row.effective_to, goal_version(row)))
        self._memo: dict[tuple[object, ...], GoalAssignment | None] = {}
        self._runs: dict[tuple[object, ...], int] = {}

    def runs(self, stints: list[Stint]) -> int:
        """A small id for what of the stints decides goals (dates, role, unit), so that the memo
        key of ``assignment`` stays cheap to hash: computed once per employee."""
        runs = tuple((s.start, s.end, s.role_id, s.unit_id) for s in stints)
        return self._runs.setdefault(runs, len(self._runs))

    def assignment(
        self,
        kpi_id: uuid.UUID,
        employee: uuid.UUID,
        stints: list[Stint],
        period: DateRange,
        runs: int | None = None,
    ) -> GoalAssignment | None:
        """The versions winning the period's days for this employee, with their day counts."""
        own = self.lines.get((kpi_id, GoalScopeKind.EMPLOYEE, employee))
        runs_id = self.runs(stints) if runs is None else runs
        key = (kpi_id, employee if own else None, period, runs_id)
        if key not in self._memo:
            found = self._resolve(kpi_id, own or [], stints, period)
            self._memo[key] = None if found is None else _SHARED.setdefault(found, found)
        return self._memo[key]

    def _stint_lines(self, kpi_id: uuid.UUID, stint: Stint) -> list[ScopedLine]:
        found: list[ScopedLine] = []
        for distance, unit in enumerate(self.structure.ancestors(stint.unit_id)):
            versions = self.lines.get((kpi_id, GoalScopeKind.ORG_UNIT, unit))
            if versions:
                found.append((versions, GoalScopeKind.ORG_UNIT, distance))
        versions = self.lines.get((kpi_id, GoalScopeKind.ROLE, stint.role_id))
        if versions:
            found.append((versions, GoalScopeKind.ROLE, 0))
        return found

    def _resolve(
        self, kpi_id: uuid.UUID, own: Versions, stints: list[Stint], period: DateRange
    ) -> GoalAssignment | None:
        per_stint = [(s, self._stint_lines(kpi_id, s)) for s in stints]
        cuts = {period[0], period[1]}
        for versions in [own, *(v for _, lines in per_stint for v, _, _ in lines)]:
            for start, end, _ in versions:
                cuts.add(start)
                if end is not None:
                    cuts.add(end)
        for stint, _ in per_stint:
            cuts.update((stint.start, stint.end))
        bounds = sorted(c for c in cuts if period[0] <= c <= period[1])
        days: dict[object, GoalDays] = {}
        last: GoalVersion | None = None
        for a, b in pairwise(bounds):
            candidates = []
            mine = _in_force(own, a)
            if mine is not None:
                candidates.append(GoalCandidate(mine, GoalScopeKind.EMPLOYEE))
            for stint, lines in per_stint:
                if stint.start <= a < stint.end:
                    for versions, scope, distance in lines:
                        version = _in_force(versions, a)
                        if version is not None:
                            candidates.append(GoalCandidate(version, scope, distance))
            winner = winning_version(candidates)
            if winner is None:
                continue
            seen = days.get(winner.id)
            count = (b - a).days + (seen.days if seen else 0)
            days[winner.id] = GoalDays(winner, count)
            last = winner
        if last is None:
            return None
        return GoalAssignment(tuple(days.values()), last)


def needs_baseline(assignment: GoalAssignment, mode: RevisionMode) -> bool:
    """Whether the versions the engine will use include a RELATIVE one (mirrors resolve_goal)."""
    if mode is RevisionMode.END_OF_PERIOD:
        return assignment.last.basis is AnchorBasis.RELATIVE
    return any(u.version.basis is AnchorBasis.RELATIVE for u in assignment.uses)
