"""KRA sets in force for a scoring run: the published sets of the roles, their KRAs and items."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from kra_api.models import Kra, KraItem, KraSet


@dataclass
class Definitions:
    """Published KRA sets of some roles, with their KRAs and items in position order."""

    sets: dict[uuid.UUID, KraSet] = field(default_factory=dict)
    kras: dict[uuid.UUID, list[Kra]] = field(default_factory=dict)  # by set
    items: dict[uuid.UUID, list[KraItem]] = field(default_factory=dict)  # by KRA
    _by_role: dict[uuid.UUID, list[KraSet]] = field(default_factory=dict)

    def set_in_force(self, role_id: uuid.UUID, day: dt.date) -> KraSet | None:
        """The role's published set in force on ``day``."""
        for s in self._by_role.get(role_id, ()):
            start, end = s.effective_from, s.effective_to
            if start is not None and start <= day and (end is None or day < end):
                return s
        return None

    def put_in_force(self, kra_set: KraSet, kras: Sequence[Kra], items: Sequence[KraItem]) -> None:
        """Make ``kra_set`` (with its KRAs and items) the only set of its role (what-if runs)."""
        self.sets[kra_set.id] = kra_set
        self.kras[kra_set.id] = list(kras)
        for kra in kras:
            self.items[kra.id] = [i for i in items if i.kra_id == kra.id]
        self._by_role[kra_set.role_id] = [kra_set]

    def kpi_ids(self, set_ids: Collection[uuid.UUID]) -> set[uuid.UUID]:
        """Every KPI placed in these sets."""
        return {
            item.kpi_id
            for set_id in set_ids
            for kra in self.kras.get(set_id, ())
            for item in self.items.get(kra.id, ())
        }


async def load_definitions(
    session: AsyncSession, org_id: uuid.UUID, role_ids: Collection[uuid.UUID]
) -> Definitions:
    """Every published set of the roles with KRAs and items: three statements in all."""
    found = Definitions()
    if not role_ids:
        return found
    stmt = select(KraSet).where(
        col(KraSet.organization_id) == org_id,
        col(KraSet.role_id).in_(list(role_ids)),
        col(KraSet.status) == "PUBLISHED",
    )
    sets = list((await session.execute(stmt)).scalars())
    found.sets = {s.id: s for s in sets}
    by_role: dict[uuid.UUID, list[KraSet]] = defaultdict(list)
    for s in sets:
        by_role[s.role_id].append(s)
    found._by_role = dict(by_role)
    if not sets:
        return found
    kra_stmt = (
        select(Kra)
        .where(col(Kra.organization_id) == org_id, col(Kra.kra_set_id).in_(list(found.sets)))
        .order_by(col(Kra.kra_set_id), col(Kra.position), col(Kra.id))
    )
    kras = list((await session.execute(kra_stmt)).scalars())
    by_set: dict[uuid.UUID, list[Kra]] = defaultdict(list)
    for kra in kras:
        by_set[kra.kra_set_id].append(kra)
    found.kras = dict(by_set)
    item_stmt = (
        select(KraItem)
        .where(
            col(KraItem.organization_id) == org_id,
            col(KraItem.kra_id).in_([k.id for k in kras]),
        )
        .order_by(col(KraItem.kra_id), col(KraItem.position), col(KraItem.id))
    )
    by_kra: dict[uuid.UUID, list[KraItem]] = defaultdict(list)
    for item in (await session.execute(item_stmt)).scalars():
        by_kra[item.kra_id].append(item)
    found.items = dict(by_kra)
    return found
