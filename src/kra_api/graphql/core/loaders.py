"""Per-request DataLoaders: every nested field batches through one of these."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from strawberry.dataloader import DataLoader

from kra_api.catalog import repository as catalog_repo
from kra_api.graphql.goals.loaders import GoalLoaders
from kra_api.graphql.kras.loaders import KraLoaders
from kra_api.models import (
    Assignment,
    Employee,
    EmployeeIdentity,
    Kpi,
    Organization,
    OrgUnit,
    Period,
    Role,
)
from kra_api.orgs import repository as org_repo
from kra_api.people import repository as people_repo
from kra_api.periods import repository as period_repo

if TYPE_CHECKING:
    from kra_api.graphql.core.context import Context

K = TypeVar("K")
V = TypeVar("V")


def _by_id(rows: Sequence[Any], keys: Sequence[uuid.UUID]) -> list[Any]:
    found = {row.id: row for row in rows}
    return [found.get(k) for k in keys]


def _grouped(rows: Sequence[Any], keys: Sequence[uuid.UUID], attr: str) -> list[list[Any]]:
    groups: dict[uuid.UUID, list[Any]] = defaultdict(list)
    for row in rows:
        groups[getattr(row, attr)].append(row)
    return [groups.get(k, []) for k in keys]


class Loaders:
    """One instance per request; keys are always within the caller's organization."""

    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx
        self.organization = self._make(self._organizations)
        self.org_unit = self._make(self._units)
        self.children = self._make(self._children)
        self.leader_at = self._make(self._leaders_at)
        self.employee = self._make(self._employees)
        self.employee_by_external_id = self._make(self._employees_by_external_id)
        self.role = self._make(self._roles)
        self.assignment_at = self._make(self._assignments_at)
        self.assignments = self._make(self._assignments)
        self.identities = self._make(self._identities)
        self.kpi = self._make(self._kpis)
        self.period = self._make(self._periods)
        self.period_ending = self._make(self._periods_ending)
        self.kras = KraLoaders(ctx)
        self.goals = GoalLoaders(ctx)

    @staticmethod
    def _make(fn: Callable[[list[K]], Awaitable[list[V]]]) -> DataLoader[K, V]:
        return DataLoader(load_fn=fn)

    @property
    def _org(self) -> uuid.UUID:
        return self._ctx.organization_id

    async def _organizations(self, keys: list[uuid.UUID]) -> list[Organization | None]:
        async with self._ctx.db.read() as s:
            return [await org_repo.organization(s, k) for k in keys]

    async def _units(self, keys: list[uuid.UUID]) -> list[OrgUnit | None]:
        async with self._ctx.db.read() as s:
            return _by_id(await org_repo.units(s, self._org, keys), keys)

    async def _children(self, keys: list[uuid.UUID]) -> list[list[OrgUnit]]:
        async with self._ctx.db.read() as s:
            return _grouped(await org_repo.children(s, self._org, keys), keys, "parent_id")

    async def _leaders_at(self, keys: list[tuple[uuid.UUID, dt.date]]) -> list[uuid.UUID | None]:
        async with self._ctx.db.read() as s:
            found = await org_repo.leaderships_at(s, self._org, keys)
        return [found.get(k) for k in keys]

    async def _employees(self, keys: list[uuid.UUID]) -> list[Employee | None]:
        async with self._ctx.db.read() as s:
            return _by_id(await people_repo.employees(s, self._org, keys), keys)

    async def _employees_by_external_id(self, keys: list[str]) -> list[Employee | None]:
        async with self._ctx.db.read() as s:
            found = await people_repo.employees_by_external_id(s, self._org, keys)
        return [found.get(k) for k in keys]

    async def _roles(self, keys: list[uuid.UUID]) -> list[Role | None]:
        async with self._ctx.db.read() as s:
            return _by_id(await people_repo.roles(s, self._org, keys), keys)

    async def _assignments_at(
        self, keys: list[tuple[uuid.UUID, dt.date]]
    ) -> list[Assignment | None]:
        by_day: dict[dt.date, list[uuid.UUID]] = defaultdict(list)
        for employee_id, day in keys:
            by_day[day].append(employee_id)
        found: dict[tuple[uuid.UUID, dt.date], Assignment] = {}
        async with self._ctx.db.read() as s:
            for day, employee_ids in by_day.items():
                rows = await people_repo.assignments_at(s, self._org, employee_ids, day)
                found.update({(eid, day): a for eid, a in rows.items()})
        return [found.get(k) for k in keys]

    async def _assignments(self, keys: list[uuid.UUID]) -> list[list[Assignment]]:
        async with self._ctx.db.read() as s:
            return _grouped(
                await people_repo.assignments_of(s, self._org, keys), keys, "employee_id"
            )

    async def _identities(self, keys: list[uuid.UUID]) -> list[list[EmployeeIdentity]]:
        async with self._ctx.db.read() as s:
            return _grouped(
                await people_repo.identities_of(s, self._org, keys), keys, "employee_id"
            )

    async def _kpis(self, keys: list[uuid.UUID]) -> list[Kpi | None]:
        async with self._ctx.db.read() as s:
            return _by_id(await catalog_repo.kpis(s, self._org, keys), keys)

    async def _periods(self, keys: list[uuid.UUID]) -> list[Period | None]:
        async with self._ctx.db.read() as s:
            return _by_id(await period_repo.periods(s, self._org, keys), keys)

    async def _periods_ending(self, keys: list[tuple[str, dt.date]]) -> list[Period | None]:
        async with self._ctx.db.read() as s:
            found = await period_repo.ending_on(s, self._org, keys)
        return [found.get(k) for k in keys]
