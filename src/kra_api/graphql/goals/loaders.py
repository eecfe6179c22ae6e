"""Per-request DataLoaders of goal versions (within the caller's organization)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from typing import TYPE_CHECKING

from strawberry.dataloader import DataLoader

from kra_api.goals import repository as repo
from kra_api.goals.repository import Line
from kra_api.models import Goal

if TYPE_CHECKING:
    from kra_api.graphql.core.context import Context


def line_of(goal: Goal) -> Line:
    """The goal line (KPI, scope kind, scope id) a version belongs to."""
    return (goal.kpi_id, goal.scope_kind, goal.scope_id)


class GoalLoaders:
    """Loaders of one request; the repository filters by the caller's organization."""

    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx
        self.goal: DataLoader[uuid.UUID, Goal | None] = DataLoader(self._goals)
        self.history: DataLoader[Line, list[Goal]] = DataLoader(self._histories)

    async def _goals(self, keys: list[uuid.UUID]) -> list[Goal | None]:
        async with self._ctx.db.read() as s:
            found = {g.id: g for g in await repo.goals(s, self._ctx.organization_id, keys)}
        return [found.get(k) for k in keys]

    async def _histories(self, keys: list[Line]) -> list[list[Goal]]:
        async with self._ctx.db.read() as s:
            rows = await repo.versions_of_lines(s, self._ctx.organization_id, keys)
        groups: dict[Line, list[Goal]] = defaultdict(list)
        for row in rows:
            groups[line_of(row)].append(row)
        return [groups.get(k, []) for k in keys]
