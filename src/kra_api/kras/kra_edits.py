"""Edits of the KRAs of a draft: create, update, remove. Services flush, never commit."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from kra_api.audit.service import record, snapshot
from kra_api.auth.principal import Principal
from kra_api.errors import FieldError, Invalid
from kra_api.kras import repository as repo
from kra_api.kras.drafts import content, draft_for_update, flush_or, kra_in_draft
from kra_api.kras.rules import blank_to_none, text_errors, weight_errors
from kra_api.models import Kra, KraSet
from kra_api.orgs.service import check_name


@dataclass(frozen=True)
class KraIn:
    """A new KRA of a draft."""

    kra_set_id: uuid.UUID
    title: str
    weight: Decimal
    description: str | None = None
    objective: str | None = None


@dataclass(frozen=True)
class KraChanges:
    """A partial update; ``None`` keeps a field, except where ``*_given`` says it was sent."""

    kra_id: uuid.UUID
    title: str | None = None
    weight: Decimal | None = None
    description: str | None = None
    description_given: bool = False
    objective: str | None = None
    objective_given: bool = False


def _title(title: str, errors: list[FieldError]) -> str:
    try:
        return check_name(title, "input", "title")
    except Invalid as exc:
        errors += exc.errors
        return title


def _duplicate(title: str) -> FieldError:
    message = f"this KRA set already has a KRA titled {title!r}"
    return FieldError("DUPLICATE", message, ("input", "title"))


async def create_kra(session: AsyncSession, principal: Principal, data: KraIn) -> Kra:
    """Add a KRA at the end of a draft."""
    org = principal.organization_id
    kra_set = await draft_for_update(session, org, data.kra_set_id, "input", "kraSetId")
    errors: list[FieldError] = []
    title = _title(data.title, errors)
    errors += weight_errors(data.weight, "input", "weight")
    errors += text_errors(data.description, "input", "description")
    errors += text_errors(data.objective, "input", "objective")
    siblings = await repo.kras_of_sets(session, org, [kra_set.id])
    if any(k.title == title for k in siblings):
        errors.append(_duplicate(title))
    if errors:
        raise Invalid(errors)
    kra = Kra(
        organization_id=org,
        kra_set_id=kra_set.id,
        title=title,
        description=blank_to_none(data.description),
        objective=blank_to_none(data.objective),
        weight=data.weight,
        position=max((k.position for k in siblings), default=0) + 1,
    )
    session.add(kra)
    await flush_or(session, _duplicate(title))
    await record(
        session,
        principal,
        action="kra.create",
        entity_type="Kra",
        entity_id=kra.id,
        after=snapshot(kra),
    )
    return kra


async def update_kra(session: AsyncSession, principal: Principal, changes: KraChanges) -> Kra:
    """Change a KRA of a draft."""
    org = principal.organization_id
    kra, kra_set = await kra_in_draft(session, org, changes.kra_id, "input", "kraId")
    errors: list[FieldError] = []
    title = kra.title if changes.title is None else _title(changes.title, errors)
    if changes.weight is not None:
        errors += weight_errors(changes.weight, "input", "weight")
    errors += text_errors(changes.description, "input", "description")
    errors += text_errors(changes.objective, "input", "objective")
    siblings = await repo.kras_of_sets(session, org, [kra_set.id])
    if any(k.title == title and k.id != kra.id for k in siblings):
        errors.append(_duplicate(title))
    if errors:
        raise Invalid(errors)
    before = snapshot(kra)
    kra.title = title
    if changes.weight is not None:
        kra.weight = changes.weight
    if changes.description_given:
        kra.description = blank_to_none(changes.description)
    if changes.objective_given:
        kra.objective = blank_to_none(changes.objective)
    if snapshot(kra) != before:
        await flush_or(session, _duplicate(title))
        await record(
            session,
            principal,
            action="kra.update",
            entity_type="Kra",
            entity_id=kra.id,
            before=before,
            after=snapshot(kra),
        )
    return kra


async def remove_kra(session: AsyncSession, principal: Principal, kra_id: uuid.UUID) -> KraSet:
    """Remove a KRA and its items from a draft; returns the draft."""
    org = principal.organization_id
    kra, kra_set = await kra_in_draft(session, org, kra_id, "input", "kraId")
    items = await repo.items_of_kras(session, org, [kra.id])
    before = content([kra], items)[0]
    for item in items:
        await session.delete(item)
    # Items first, in their own flush: without ORM relationships the unit of work does not
    # order deletes across tables, and the KRA's ON DELETE CASCADE would empty theirs first.
    await session.flush()
    await session.delete(kra)
    await session.flush()
    await record(
        session,
        principal,
        action="kra.remove",
        entity_type="Kra",
        entity_id=kra.id,
        before=before,
    )
    return kra_set
