"""KRA set versions: the first draft, new drafts copied from the current set, publishing.

Publishing ends the current set on the new effective date. A current set replaced from its very
first day never took effect: it becomes SUPERSEDED (with an empty range). Otherwise it stays
PUBLISHED with ``effective_to`` set, so ``kraSet(at:)`` still finds it for its days. Services
flush, never commit.
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from kra_api.audit.actor import actor_of
from kra_api.audit.service import record, snapshot
from kra_api.auth.principal import Principal
from kra_api.errors import FieldError, Invalid
from kra_api.kras import repository as repo
from kra_api.kras.drafts import content, draft_for_update, flush_or, not_draft
from kra_api.kras.rules import MAX_TEXT, blank_to_none, publish_errors
from kra_api.models import Kra, KraItem, KraSet, Role
from kra_api.periods.calendar import EARLIEST, LATEST
from kra_api.periods.finality import final_periods_reached, period_final_error

FROM_PATH = ("input", "effectiveFrom")


async def open_first_draft(session: AsyncSession, principal: Principal, role: Role) -> KraSet:
    """Draft v1 of a new role (roleCreate opens it)."""
    kra_set = KraSet(organization_id=role.organization_id, role_id=role.id, version=1)
    session.add(kra_set)
    await session.flush()
    await record(
        session,
        principal,
        action="kraSet.draft",
        entity_type="KraSet",
        entity_id=kra_set.id,
        after=snapshot(kra_set),
    )
    return kra_set


async def _copy(session: AsyncSession, org: uuid.UUID, source: KraSet, target: KraSet) -> None:
    kras = await repo.kras_of_sets(session, org, [source.id])
    items = await repo.items_of_kras(session, org, [k.id for k in kras])
    for kra in kras:
        copy = Kra(
            organization_id=org,
            kra_set_id=target.id,
            title=kra.title,
            description=kra.description,
            objective=kra.objective,
            weight=kra.weight,
            position=kra.position,
        )
        session.add(copy)
        for item in (i for i in items if i.kra_id == kra.id):
            session.add(
                KraItem(
                    organization_id=org,
                    kra_id=copy.id,
                    kpi_id=item.kpi_id,
                    scope=item.scope,
                    weight=item.weight,
                    gate_minimum=item.gate_minimum,
                    gate_maximum=item.gate_maximum,
                    position=item.position,
                )
            )
    await session.flush()


def _draft_exists(role: Role, version: int) -> FieldError:
    message = f"role {role.code} already has a draft (v{version}); edit or publish it first"
    return FieldError("DRAFT_EXISTS", message, ("input", "roleId"))


async def draft_set(session: AsyncSession, principal: Principal, role_id: uuid.UUID) -> KraSet:
    """A new draft of the role, copied from its current (newest published) set."""
    org = principal.organization_id
    role = await repo.role_for_update(session, org, role_id)
    if role is None:
        raise Invalid.one("NOT_FOUND", "no such role", "input", "roleId")
    existing = await repo.draft_of(session, org, role.id)
    if existing is not None:
        raise Invalid([_draft_exists(role, existing.version)])
    source = await repo.latest_published(session, org, role.id)
    version = await repo.next_version(session, org, role.id)
    kra_set = KraSet(organization_id=org, role_id=role.id, version=version)
    session.add(kra_set)
    await flush_or(session, _draft_exists(role, version))
    if source is not None:
        await _copy(session, org, source, kra_set)
    after = snapshot(kra_set) or {}
    after["copied_from_version"] = source.version if source else None
    await record(
        session,
        principal,
        action="kraSet.draft",
        entity_type="KraSet",
        entity_id=kra_set.id,
        after=after,
    )
    return kra_set


def _date_errors(effective_from: dt.date, reason: str | None) -> list[FieldError]:
    errors: list[FieldError] = []
    if not EARLIEST <= effective_from <= LATEST:
        message = f"must lie between {EARLIEST.isoformat()} and {LATEST.isoformat()}"
        errors.append(FieldError("INVALID", message, FROM_PATH))
    if reason is not None and len(reason) > MAX_TEXT:
        message = f"must be at most {MAX_TEXT} characters"
        errors.append(FieldError("INVALID", message, ("input", "reason")))
    return errors


async def _end_current(
    session: AsyncSession, principal: Principal, current: KraSet, effective_from: dt.date
) -> None:
    """End the current set where the new one starts (SUPERSEDED when it never took effect)."""
    before = snapshot(current)
    current.effective_to = effective_from
    if current.effective_from == effective_from:
        current.status = "SUPERSEDED"
    await session.flush()  # before the new set is published: the exclusion constraint checks
    await record(
        session,
        principal,
        action="kraSet.supersede" if current.status == "SUPERSEDED" else "kraSet.end",
        entity_type="KraSet",
        entity_id=current.id,
        before=before,
        after=snapshot(current),
    )


async def publish_set(
    session: AsyncSession,
    principal: Principal,
    set_id: uuid.UUID,
    effective_from: dt.date,
    reason: str | None,
) -> KraSet:
    """Validate a draft and put it in force from ``effective_from``; the current set ends then."""
    org = principal.organization_id
    path = ("input", "kraSetId")
    found = await repo.kra_sets(session, org, [set_id])
    if not found:
        raise Invalid.one("NOT_FOUND", "no such KRA set", *path)
    if found[0].status != "DRAFT":
        raise not_draft(found[0], *path)
    await repo.role_for_update(session, org, found[0].role_id)  # lock order: role, then set
    kra_set = await draft_for_update(session, org, set_id, *path)
    errors = _date_errors(effective_from, reason)
    kras = await repo.kras_of_sets(session, org, [kra_set.id])
    items = await repo.items_of_kras(session, org, [k.id for k in kras])
    by_kra: dict[uuid.UUID, list[KraItem]] = {k.id: [] for k in kras}
    for item in items:
        by_kra[item.kra_id].append(item)
    codes = await repo.kpi_codes(session, org, list({i.kpi_id for i in items}))
    errors += publish_errors(kras, by_kra, codes)
    current = await repo.latest_published(session, org, kra_set.role_id)
    if current is not None and current.effective_from and effective_from < current.effective_from:
        message = (
            f"the current KRA set v{current.version} starts {current.effective_from.isoformat()}; "
            "a new version cannot start before it"
        )
        errors.append(FieldError("BEFORE_CURRENT", message, FROM_PATH))
    if not errors:
        finals = await final_periods_reached(session, org, effective_from, None)
        errors += [period_final_error(p, *FROM_PATH) for p in finals[:1]]
    if errors:
        raise Invalid(errors)
    if current is not None:
        await _end_current(session, principal, current, effective_from)
    before = snapshot(kra_set)
    actor = await actor_of(session, principal)
    kra_set.status = "PUBLISHED"
    kra_set.effective_from = effective_from
    kra_set.reason = blank_to_none(reason)
    kra_set.published_at = dt.datetime.now(dt.UTC)
    kra_set.published_by_kind = actor.kind
    kra_set.published_by_label = actor.label
    kra_set.published_by_employee_id = actor.employee_id
    await session.flush()
    after = snapshot(kra_set) or {}
    after["kras"] = content(kras, items)
    await record(
        session,
        principal,
        action="kraSet.publish",
        entity_type="KraSet",
        entity_id=kra_set.id,
        before=before,
        after=after,
        reason=kra_set.reason,
        actor_employee_id=actor.employee_id,
    )
    return kra_set
