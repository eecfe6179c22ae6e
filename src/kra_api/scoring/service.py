"""The scoring service: live scorecards for many employees with a constant number of queries.

A run loads, for all its employees at once, the org tree, leaderships and assignments
(``structure``), the KRA sets of their roles (``definitions``), the KPIs, the goal versions of
the period, one aggregate of component sums (``aggregates``) and, for RELATIVE goals, one more
over the previous period (``baselines``); then it calls the pure engine once per employee.
About ten statements whatever the number of employees (architecture.md principle 5).
"""

from __future__ import annotations

import datetime as dt
import gc
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from kra_api.models import Goal, Kra, KraItem, KraSet, Organization, Period
from kra_api.scoring import month_sums
from kra_api.scoring.aggregates import load_sums
from kra_api.scoring.baselines import load_baselines, previous_period
from kra_api.scoring.definitions import Definitions, load_definitions
from kra_api.scoring.engine import ScorecardResult, score_scorecard
from kra_api.scoring.goals_in_period import GoalBook, Scopes, load_goals
from kra_api.scoring.groups import team_group
from kra_api.scoring.kpis import KpiInfo, load_kpis
from kra_api.scoring.org_settings import engine_settings
from kra_api.scoring.overrides import Overrides
from kra_api.scoring.planning import Planner
from kra_api.scoring.structure import Stint, Structure, load_structure
from kra_api.scoring.windows import DateRange


@dataclass(frozen=True)
class Scorecard:
    """One employee's live scorecard for a period, with what it was computed from."""

    employee_id: uuid.UUID
    period: Period
    day: dt.date | None  # the last day of the period the employee was assigned
    role_id: uuid.UUID | None
    org_unit_id: uuid.UUID | None
    kra_set: KraSet | None
    result: ScorecardResult
    computed_at: dt.datetime


@dataclass
class ScoringRun:
    """Scorecards of a run, the rows they refer to, and the team sums when asked for."""

    period: Period
    cards: dict[uuid.UUID, Scorecard]
    kpis: dict[uuid.UUID, KpiInfo]
    definitions: Definitions
    goals: dict[uuid.UUID, Goal]
    team_sums: dict[uuid.UUID, dict[str, Decimal] | None] = field(default_factory=dict)

    @property
    def kras(self) -> list[Kra]:
        """Every KRA row of the sets used."""
        return [k for kras in self.definitions.kras.values() for k in kras]

    @property
    def items(self) -> list[KraItem]:
        """Every KRA item row of the sets used."""
        return [i for items in self.definitions.items.values() for i in items]


def period_range(period: Period) -> DateRange:
    """The period's days as a half-open range."""
    return (period.start_date, period.end_date)


def _placement(
    structure: Structure, employee: uuid.UUID, span: DateRange
) -> tuple[dt.date | None, Stint | None]:
    """The last day of the period the employee was assigned, and the stint of that day."""
    day = structure.last_assigned_day(employee, span)
    return day, structure.stint_on(employee, day) if day else None


def _scopes(structure: Structure, employees: Sequence[uuid.UUID]) -> Scopes:
    """The goal scopes the employees can meet: roles held, their units and the units above."""
    stints = [s for e in employees for s in structure.by_employee.get(e, ())]
    units = {u for s in stints for u in structure.ancestors(s.unit_id)}
    return Scopes({s.role_id for s in stints}, units, employees)


LARGE_RUN = 100_000
_paused = 0  # runs in progress that paused the cyclic collector (runs may interleave)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause CPython's cyclic garbage collector while a run builds its object graph.

    A run creates millions of short-lived objects and keeps hundreds of thousands alive, so the
    collector's generational passes cost an organization-wide run ~40 % of its time, reclaiming
    nothing (a run creates no cycles it drops). Reference counting still frees everything; the
    collector resumes when the last paused run ends. After a large run (``LARGE_RUN`` or more
    allocations), what it allocated goes straight to the oldest generation (``gc.freeze`` then
    ``gc.unfreeze``: two list splices) instead of being walked by a young-generation pass as the
    collector resumes: that pass over an organization-wide run's results cost it 0.3 s, and the
    results are freed by reference counting once answered. A full collection still walks them
    if they live that long. Small runs (one scorecard) leave the young pass to do its usual work.
    (``gc.unfreeze`` also releases what others froze: nothing else in the service freezes.)
    """
    global _paused
    if _paused == 0 and not gc.isenabled():
        yield  # paused by someone else: leave it to them
        return
    _paused += 1
    gc.disable()
    try:
        yield
    finally:
        _paused -= 1
        if _paused == 0:
            if gc.get_count()[0] >= LARGE_RUN:  # allocations since the last collection
                gc.freeze()  # everything tracked: to the permanent generation...
                gc.unfreeze()  # ...and from there to the oldest one
            gc.enable()


async def score_period(
    session: AsyncSession,
    org: Organization,
    period: Period,
    employee_ids: Sequence[uuid.UUID] | None,
    *,
    team_unit: uuid.UUID | None = None,
    overrides: Overrides | None = None,
) -> ScoringRun:
    """Scorecards of ``employee_ids`` (None: everyone assigned during the period).

    With ``team_unit``, also the sums of every KPI over that unit's subtree (team roll-up).
    With ``overrides``, goal versions and a KRA set stand in for stored ones (what-if runs).
    """
    with collector_paused():
        run = await _score_period(session, org, period, employee_ids, team_unit, overrides)
    # Month-sum builds the run found worth doing, once it is scored: not competing with it.
    month_sums.start_builds(session)
    return run


async def _score_period(
    session: AsyncSession,
    org: Organization,
    period: Period,
    employee_ids: Sequence[uuid.UUID] | None,
    team_unit: uuid.UUID | None,
    overrides: Overrides | None,
) -> ScoringRun:
    zone = ZoneInfo(org.timezone)
    settings = engine_settings(org)
    span = period_range(period)
    previous = await previous_period(session, period)
    horizon = (previous.start_date if previous else span[0], span[1])
    structure = await load_structure(session, org.id, horizon, employee_ids, team_unit)
    scopes = None if employee_ids is None else _scopes(structure, employee_ids)
    if employee_ids is None:
        employee_ids = sorted(
            {s.employee_id for s in structure.stints if s.start < span[1] and s.end > span[0]}
        )
    placed = {e: _placement(structure, e, span) for e in employee_ids}
    roles = {stint.role_id for _, stint in placed.values() if stint is not None}
    definitions = await load_definitions(session, org.id, roles)
    if overrides is not None:
        overrides.apply(definitions)
    chosen: dict[uuid.UUID, KraSet | None] = {}
    for e, (day, stint) in placed.items():
        found = None
        if stint is not None and day is not None:
            found = definitions.set_in_force(stint.role_id, day)
        chosen[e] = found
    kpis = await load_kpis(session, org.id)
    used = definitions.kpi_ids({s.id for s in chosen.values() if s is not None})
    goals = await load_goals(session, org.id, sorted(used), span, scopes)
    if overrides is not None:
        goals = overrides.goals_with(goals)
    book = GoalBook(goals, structure)
    planner = Planner(structure, book, definitions, kpis, span, settings.revision_mode)
    for e, kra_set in chosen.items():
        if kra_set is not None:
            planner.plan(e, kra_set)
    groups = list(planner.groups.values())
    team = team_group(structure, team_unit, span) if team_unit else None
    if team is not None:
        groups.append(team)
    wanted = list(kpis.values()) if team is not None else [kpis[k] for k in sorted(used)]
    sums = await load_sums(session, org.id, zone, span, groups, wanted)
    requests = planner.baseline_requests((horizon[0], span[0])) if previous else []
    baselines = await load_baselines(session, zone, previous, requests)
    now = dt.datetime.now(dt.UTC)
    cards = {}
    for e, (day, stint) in placed.items():
        kra_set = chosen[e]
        kras = planner.inputs(e, kra_set, sums, baselines) if kra_set is not None else []
        cards[e] = Scorecard(
            employee_id=e,
            period=period,
            day=day,
            role_id=stint.role_id if stint else None,
            org_unit_id=stint.unit_id if stint else None,
            kra_set=kra_set,
            result=score_scorecard(kras, settings),
            computed_at=now,
        )
    run = ScoringRun(period, cards, kpis, definitions, book.rows)
    if team is not None:
        run.team_sums = {k.id: sums.for_group(team, k) for k in kpis.values()}
    return run
