"""What every edit of a KRA set shares: find the draft (locked), snapshot content, map races."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from kra_api.audit.service import snapshot
from kra_api.errors import FieldError, Invalid
from kra_api.kras import repository as repo
from kra_api.models import Kra, KraItem, KraSet

UNIQUE_VIOLATION = "23505"


def not_draft(kra_set: KraSet, *path: str) -> Invalid:
    """NOT_DRAFT: published sets never change."""
    message = (
        f"KRA set v{kra_set.version} is {kra_set.status} and can no longer change; "
        "open a new draft with kraSetDraft"
    )
    return Invalid.one("NOT_DRAFT", message, *path)


async def draft_for_update(
    session: AsyncSession, org: uuid.UUID, set_id: uuid.UUID, *path: str
) -> KraSet:
    """The draft ``set_id``, locked; NOT_FOUND or NOT_DRAFT at ``path`` otherwise."""
    kra_set = await repo.kra_set_for_update(session, org, set_id)
    if kra_set is None:
        raise Invalid.one("NOT_FOUND", "no such KRA set", *path)
    if kra_set.status != "DRAFT":
        raise not_draft(kra_set, *path)
    return kra_set


async def kra_in_draft(
    session: AsyncSession, org: uuid.UUID, kra_id: uuid.UUID, *path: str
) -> tuple[Kra, KraSet]:
    """A KRA of a draft, with its set locked; NOT_FOUND or NOT_DRAFT at ``path`` otherwise."""
    found = await repo.kras(session, org, [kra_id])
    if not found:
        raise Invalid.one("NOT_FOUND", "no such KRA", *path)
    kra_set = await draft_for_update(session, org, found[0].kra_set_id, *path)
    # Read again under the lock: a concurrent edit may have removed it meanwhile.
    again = await repo.kras(session, org, [kra_id])
    if not again:
        raise Invalid.one("NOT_FOUND", "no such KRA", *path)
    return again[0], kra_set


async def set_items(session: AsyncSession, org: uuid.UUID, set_id: uuid.UUID) -> list[KraItem]:
    """Every item of a KRA set."""
    kras = await repo.kras_of_sets(session, org, [set_id])
    return await repo.items_of_kras(session, org, [k.id for k in kras])


def content(kras: Sequence[Kra], items: Sequence[KraItem]) -> list[dict[str, Any]]:
    """A set's KRAs with their items, JSON-ready (for audit entries)."""
    return [
        {
            **(snapshot(kra) or {}),
            "items": [snapshot(i) for i in items if i.kra_id == kra.id],
        }
        for kra in kras
    ]


async def flush_or(session: AsyncSession, error: FieldError) -> None:
    """Flush; a unique violation (a concurrent writer won the race) becomes ``error``."""
    try:
        await session.flush()
    except IntegrityError as exc:
        if getattr(exc.driver_exception, "sqlstate", None) == UNIQUE_VIOLATION:
            raise Invalid([error]) from exc
        raise
