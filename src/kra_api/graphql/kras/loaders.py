"""Per-request DataLoaders of KRA sets, KRAs and KRA items (within the caller's organization)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from strawberry.dataloader import DataLoader

from kra_api.kras import repository as repo
from kra_api.models import Kra, KraItem, KraSet

if TYPE_CHECKING:
    from kra_api.graphql.core.context import Context


def _by_id(rows: Sequence[Any], keys: Sequence[uuid.UUID]) -> list[Any]:
    found = {row.id: row for row in rows}
    return [found.get(k) for k in keys]


def _grouped(rows: Sequence[Any], keys: Sequence[uuid.UUID], attr: str) -> list[list[Any]]:
    groups: dict[uuid.UUID, list[Any]] = defaultdict(list)
    for row in rows:
        groups[getattr(row, attr)].append(row)
    return [groups.get(k, []) for k in keys]


class KraLoaders:
    """Loaders of one request; the repositories filter by the caller's organization."""

    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx
        self.kra_set: DataLoader[uuid.UUID, KraSet | None] = DataLoader(self._sets)
        self.sets_of_role: DataLoader[uuid.UUID, list[KraSet]] = DataLoader(self._sets_of_roles)
        self.set_at: DataLoader[tuple[uuid.UUID, dt.date], KraSet | None] = DataLoader(
            self._sets_at
        )
        self.kra: DataLoader[uuid.UUID, Kra | None] = DataLoader(self._kras)
        self.kras_of_set: DataLoader[uuid.UUID, list[Kra]] = DataLoader(self._kras_of_sets)
        self.item: DataLoader[uuid.UUID, KraItem | None] = DataLoader(self._items)
        self.items_of_kra: DataLoader[uuid.UUID, list[KraItem]] = DataLoader(self._items_of_kras)

    @property
    def _org(self) -> uuid.UUID:
        return self._ctx.organization_id

    async def _sets(self, keys: list[uuid.UUID]) -> list[KraSet | None]:
        async with self._ctx.db.read() as s:
            return _by_id(await repo.kra_sets(s, self._org, keys), keys)

    async def _sets_of_roles(self, keys: list[uuid.UUID]) -> list[list[KraSet]]:
        async with self._ctx.db.read() as s:
            return _grouped(await repo.sets_of_roles(s, self._org, keys), keys, "role_id")

    async def _sets_at(self, keys: list[tuple[uuid.UUID, dt.date]]) -> list[KraSet | None]:
        async with self._ctx.db.read() as s:
            found = await repo.sets_in_force(s, self._org, keys)
        return [found.get(k) for k in keys]

    async def _kras(self, keys: list[uuid.UUID]) -> list[Kra | None]:
        async with self._ctx.db.read() as s:
            return _by_id(await repo.kras(s, self._org, keys), keys)

    async def _kras_of_sets(self, keys: list[uuid.UUID]) -> list[list[Kra]]:
        async with self._ctx.db.read() as s:
            return _grouped(await repo.kras_of_sets(s, self._org, keys), keys, "kra_set_id")

    async def _items(self, keys: list[uuid.UUID]) -> list[KraItem | None]:
        async with self._ctx.db.read() as s:
            return _by_id(await repo.items(s, self._org, keys), keys)

    async def _items_of_kras(self, keys: list[uuid.UUID]) -> list[list[KraItem]]:
        async with self._ctx.db.read() as s:
            return _grouped(await repo.items_of_kras(s, self._org, keys), keys, "kra_id")
