"""Plans a scoring run: per employee and item, the readings group, goals and baseline needed.

Planning happens before any reading is aggregated, so that one aggregate query can serve every
group of the run and one more every baseline.
"""

from __future__ import annotations

import uuid
from collections.abc import Hashable, Mapping
from decimal import Decimal
from typing import NamedTuple

from kra_api.models import Kra, KraItem, KraSet
from kra_api.scoring.aggregates import ComponentSums
from kra_api.scoring.baselines import BaselineRequest
from kra_api.scoring.definitions import Definitions
from kra_api.scoring.engine import (
    Gate,
    GoalAssignment,
    ItemInput,
    KraInput,
    RevisionMode,
)
from kra_api.scoring.exact import Fraction
from kra_api.scoring.goals_in_period import GoalBook, needs_baseline
from kra_api.scoring.groups import led_units_group, self_group
from kra_api.scoring.kpis import KpiInfo
from kra_api.scoring.structure import Structure
from kra_api.scoring.windows import DateRange, Group

LED_UNITS = "LED_UNITS"
GroupKey = tuple[uuid.UUID, str]  # (employee, item scope)
BaselineKey = tuple[uuid.UUID, str, uuid.UUID]  # (employee, item scope, KPI)


class ItemDef(NamedTuple):
    """A KRA item's columns as plain values, read once per KRA set rather than once per
    employee (ORM attribute reads cost a run of 80 000 items most of a second)."""

    id: uuid.UUID
    scope: str
    weight: Decimal | None
    kpi_id: uuid.UUID
    kpi: KpiInfo
    gate: Gate | None


class PlannedItem(NamedTuple):
    """What an item of an employee's scorecard is computed from (a tuple: made 80 000 times
    for an organization)."""

    item: ItemDef
    group: GroupKey
    goals: GoalAssignment | None
    baseline: BaselineKey | None


class Planner:
    """Collects the groups, goal assignments and baseline needs of a run's employees."""

    def __init__(
        self,
        structure: Structure,
        book: GoalBook,
        definitions: Definitions,
        kpis: Mapping[uuid.UUID, KpiInfo],
        span: DateRange,
        mode: RevisionMode,
    ) -> None:
        self.structure, self.book, self.definitions = structure, book, definitions
        self.kpis, self.span, self.mode = kpis, span, mode
        self.groups: dict[GroupKey, Group] = {}
        self.items: dict[uuid.UUID, list[tuple[Kra, list[PlannedItem]]]] = {}
        self._defs: dict[uuid.UUID, list[tuple[Kra, list[ItemDef]]]] = {}
        self._baselines: dict[BaselineKey, None] = {}
        self._relatives: dict[int, bool] = {}

    def group(self, employee: uuid.UUID, scope: str, span: DateRange) -> Group:
        """The readings an item of ``scope`` reads for the employee over ``span``."""
        if scope == LED_UNITS:
            return led_units_group(self.structure, employee, span)
        return self_group(employee, span)

    def _item_defs(self, kra_set: KraSet) -> list[tuple[Kra, list[ItemDef]]]:
        found = self._defs.get(kra_set.id)
        if found is None:
            found = self._defs[kra_set.id] = [
                (kra, [self._item_def(i) for i in self.definitions.items.get(kra.id, ())])
                for kra in self.definitions.kras.get(kra_set.id, ())
            ]
        return found

    def _item_def(self, item: KraItem) -> ItemDef:
        gate = None
        if item.weight is None:  # a gate
            gate = Gate(item.gate_minimum, item.gate_maximum)
        kpi = self.kpis[item.kpi_id]
        return ItemDef(item.id, item.scope, item.weight, item.kpi_id, kpi, gate)

    def plan(self, employee: uuid.UUID, kra_set: KraSet) -> None:
        """Plan every item of the employee's KRA set, KRA by KRA."""
        stints = self.structure.stints_in(employee, self.span)
        runs = self.book.runs(stints)
        planned = []
        for kra, defs in self._item_defs(kra_set):
            kra_items = []
            for item in defs:
                key = (employee, item.scope)
                if key not in self.groups:
                    self.groups[key] = self.group(employee, item.scope, self.span)
                goals = None
                if item.weight is not None:  # a gate needs no goal
                    goals = self.book.assignment(item.kpi_id, employee, stints, self.span, runs)
                baseline = None
                if goals is not None and self._relative(goals):
                    baseline = (employee, item.scope, item.kpi_id)
                    self._baselines[baseline] = None
                kra_items.append(PlannedItem(item, key, goals, baseline))
            planned.append((kra, kra_items))
        self.items[employee] = planned

    def _relative(self, goals: GoalAssignment) -> bool:
        # Goal assignments are shared (memoized by the goal book, alive for the whole run), so
        # the answer is kept by identity.
        found = self._relatives.get(id(goals))
        if found is None:
            found = self._relatives[id(goals)] = needs_baseline(goals, self.mode)
        return found

    def baseline_requests(self, previous: DateRange) -> list[BaselineRequest]:
        """One request per (employee, scope, KPI) whose goals use a RELATIVE version."""
        return [
            BaselineRequest(
                key, self.group(key[0], key[1], previous), self.kpis[key[2]], key[0], key[1]
            )
            for key in self._baselines
        ]

    def inputs(
        self,
        employee: uuid.UUID,
        kra_set: KraSet,
        sums: ComponentSums,
        baselines: Mapping[Hashable, Fraction | None],
    ) -> list[KraInput]:
        """The engine inputs of the employee's scorecard (KRAs and items keyed by row id)."""
        kras = []
        for kra, planned in self.items.get(employee, ()):
            items = []
            for p in planned:
                item = p.item
                items.append(
                    ItemInput(
                        key=item.id,
                        kpi=item.kpi.spec,
                        weight=item.weight,
                        gate=item.gate,
                        goals=p.goals,
                        sums=sums.for_group(self.groups[p.group], item.kpi),
                        baseline=None if p.baseline is None else baselines.get(p.baseline),
                    )
                )
            kras.append(KraInput(key=kra.id, weight=kra.weight, items=items))
        return kras
