"""Edits of the KRA items of a draft: add (KPI by code), update, remove. Never commits."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession

from kra_api.audit.service import record, snapshot
from kra_api.auth.principal import Principal
from kra_api.catalog import repository as catalog_repo
from kra_api.errors import FieldError, Invalid
from kra_api.kras import repository as repo
from kra_api.kras.drafts import kra_in_draft, set_items
from kra_api.kras.rules import GateIn, weight_xor_gate_errors
from kra_api.models import Kra, KraItem


class ItemScope(StrEnum):
    """Whose readings an item reads: the subject's own, or those of the units they lead."""

    SELF = "SELF"
    LED_UNITS = "LED_UNITS"


@dataclass(frozen=True)
class ItemIn:
    """A KPI placed under a KRA: a weight, or a gate."""

    kra_id: uuid.UUID
    kpi_code: str
    scope: ItemScope = ItemScope.SELF
    weight: Decimal | None = None
    gate: GateIn | None = None


@dataclass(frozen=True)
class ItemChanges:
    """A partial update: a weight makes the item weighted, a gate makes it a gate."""

    item_id: uuid.UUID
    scope: ItemScope | None = None
    weight: Decimal | None = None
    gate: GateIn | None = None


async def _duplicates(
    session: AsyncSession,
    org: uuid.UUID,
    placed: Sequence[KraItem],
    item: tuple[uuid.UUID, str, bool],
    path: tuple[str, ...],
    skip: uuid.UUID | None = None,
) -> list[FieldError]:
    """DUPLICATE_KPI when ``item`` (KPI id, code, is gate) is already placed so in the set."""
    kpi_id, code, gate = item
    clash = next(
        (i for i in placed if i.kpi_id == kpi_id and i.is_gate == gate and i.id != skip), None
    )
    if clash is None:
        return []
    owner = (await repo.kras(session, org, [clash.kra_id]))[0]
    kind = "a gate" if gate else "a weighted item"
    message = (
        f"{code} already is {kind} of this KRA set (in KRA {owner.title!r}); "
        "a KPI may be weighted at most once and a gate at most once"
    )
    return [FieldError("DUPLICATE_KPI", message, path)]


def _apply(item: KraItem, weight: Decimal | None, gate: GateIn | None) -> None:
    item.weight = weight
    item.gate_minimum = gate.minimum if gate else None
    item.gate_maximum = gate.maximum if gate else None


async def add_item(session: AsyncSession, principal: Principal, data: ItemIn) -> KraItem:
    """Place a KPI under a KRA of a draft, weighted or as a gate."""
    org = principal.organization_id
    kra, kra_set = await kra_in_draft(session, org, data.kra_id, "input", "kraId")
    errors = weight_xor_gate_errors(data.weight, data.gate, required=True)
    kpi = (await catalog_repo.kpis_by_code(session, org, [data.kpi_code])).get(data.kpi_code)
    if kpi is None:
        message = f"no KPI with code {data.kpi_code!r}"
        errors.append(FieldError("NOT_FOUND", message, ("input", "kpiCode")))
    existing = await set_items(session, org, kra_set.id)
    if kpi is not None and not errors:
        placing = (kpi.id, kpi.code, data.weight is None)
        errors += await _duplicates(session, org, existing, placing, ("input", "kpiCode"))
    if errors or kpi is None:
        raise Invalid(errors)
    item = KraItem(
        organization_id=org,
        kra_id=kra.id,
        kpi_id=kpi.id,
        scope=data.scope.value,
        position=max((i.position for i in existing if i.kra_id == kra.id), default=0) + 1,
    )
    _apply(item, data.weight, data.gate)
    session.add(item)
    await session.flush()
    await record(
        session,
        principal,
        action="kraItem.add",
        entity_type="KraItem",
        entity_id=item.id,
        after=snapshot(item),
    )
    return item


async def _item_in_draft(
    session: AsyncSession, org: uuid.UUID, item_id: uuid.UUID
) -> tuple[KraItem, Kra]:
    path = ("input", "kraItemId")
    found = await repo.items(session, org, [item_id])
    if not found:
        raise Invalid.one("NOT_FOUND", "no such KRA item", *path)
    kra, _ = await kra_in_draft(session, org, found[0].kra_id, *path)
    again = await repo.items(session, org, [item_id])  # under the set's lock now
    if not again:
        raise Invalid.one("NOT_FOUND", "no such KRA item", *path)
    return again[0], kra


async def update_item(session: AsyncSession, principal: Principal, changes: ItemChanges) -> KraItem:
    """Change an item's scope, its weight, or its gate (switching between the two is allowed)."""
    org = principal.organization_id
    item, kra = await _item_in_draft(session, org, changes.item_id)
    errors = weight_xor_gate_errors(changes.weight, changes.gate, required=False)
    becomes_gate = changes.gate is not None or (item.is_gate and changes.weight is None)
    if not errors and becomes_gate != item.is_gate:
        code = (await repo.kpi_codes(session, org, [item.kpi_id]))[item.kpi_id]
        existing = await set_items(session, org, kra.kra_set_id)
        path = ("input", "gate" if becomes_gate else "weight")
        placing = (item.kpi_id, code, becomes_gate)
        errors += await _duplicates(session, org, existing, placing, path, skip=item.id)
    if errors:
        raise Invalid(errors)
    before = snapshot(item)
    if changes.scope is not None:
        item.scope = changes.scope.value
    if changes.weight is not None or changes.gate is not None:
        _apply(item, changes.weight, changes.gate)
    if snapshot(item) != before:
        await session.flush()
        await record(
            session,
            principal,
            action="kraItem.update",
            entity_type="KraItem",
            entity_id=item.id,
            before=before,
            after=snapshot(item),
        )
    return item


async def remove_item(session: AsyncSession, principal: Principal, item_id: uuid.UUID) -> Kra:
    """Remove an item from a KRA of a draft; returns the KRA."""
    org = principal.organization_id
    item, kra = await _item_in_draft(session, org, item_id)
    before = snapshot(item)
    await session.delete(item)
    await session.flush()
    await record(
        session,
        principal,
        action="kraItem.remove",
        entity_type="KraItem",
        entity_id=item.id,
        before=before,
    )
    return kra
