"""Rules for organizations, the org-unit tree and leadership. Services flush, never commit."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.ext.asyncio import AsyncSession

from kra_api.audit.service import record, snapshot
from kra_api.auth.principal import Principal
from kra_api.errors import FieldError, Invalid
from kra_api.models import Employee, Organization, OrgUnit, OrgUnitLeadership, TenantLookup
from kra_api.orgs import repository as repo
from kra_api.readings.quarantine import apply_quarantined
from kra_api.readings.schemas import ORG_UNIT

SLUG_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")
UNIT_KINDS = ("SITE", "PROGRAM", "TEAM")
MAX_NAME = 200


def check_name(value: str, *path: str, code: str = "INVALID") -> str:
    """A trimmed, non-empty name of at most 200 characters."""
    name = value.strip()
    if not name or len(name) > MAX_NAME:
        raise Invalid.one(code, f"must be 1 to {MAX_NAME} characters", *path)
    return name


def check_timezone(value: str, *path: str) -> str:
    """An IANA time zone name."""
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise Invalid.one("INVALID", f"unknown time zone {value!r}", *path) from exc
    return value


async def create_organization(
    session: AsyncSession, org_id: uuid.UUID, *, name: str, slug: str, timezone: str = "UTC"
) -> Organization:
    """Bootstrap a tenant; the session must be scoped to ``org_id`` already."""
    if not SLUG_PATTERN.match(slug):
        raise Invalid.one("INVALID", "slug must be 2-63 of a-z, 0-9 and '-'", "slug")
    if await repo.organization_id_by_lookup(session, "slug", slug):
        raise Invalid.one("DUPLICATE", f"an organization with slug {slug!r} exists", "slug")
    org = Organization(
        id=org_id, name=check_name(name, "name"), slug=slug, timezone=check_timezone(timezone)
    )
    session.add(org)
    await session.flush()
    session.add(TenantLookup(kind="slug", key=slug, organization_id=org_id))
    await session.flush()
    return org


async def _unit(
    session: AsyncSession, principal: Principal, unit_id: uuid.UUID | None, *path: str
) -> OrgUnit:
    found = await repo.units(session, principal.organization_id, [unit_id]) if unit_id else []
    if not found:
        raise Invalid.one("NOT_FOUND", "no such org unit", *path)
    return found[0]


async def _employee(
    session: AsyncSession, principal: Principal, employee_id: uuid.UUID | None, *path: str
) -> Employee:
    employee = (
        await session.get(Employee, (principal.organization_id, employee_id))
        if employee_id
        else None
    )
    if employee is None:
        raise Invalid.one("NOT_FOUND", "no such employee", *path)
    return employee


async def create_unit(
    session: AsyncSession,
    principal: Principal,
    *,
    name: str,
    kind: str,
    parent_id: uuid.UUID | None,
    external_id: str | None,
    leader_id: uuid.UUID | None,
    today: dt.date,
) -> OrgUnit:
    """Create a unit under ``parent_id`` (None: a root), optionally led from today."""
    org = principal.organization_id
    errors: list[FieldError] = []
    try:
        name = check_name(name, "input", "name")
    except Invalid as exc:
        errors += exc.errors
    if parent_id is not None and not await repo.units(session, org, [parent_id]):
        errors.append(FieldError("NOT_FOUND", "no such org unit", ("input", "parentId")))
    if leader_id is not None and await session.get(Employee, (org, leader_id)) is None:
        errors.append(FieldError("NOT_FOUND", "no such employee", ("input", "leaderId")))
    if external_id is not None:
        external_id = external_id.strip() or None
    if external_id and await repo.unit_by_external_id(session, org, external_id):
        errors.append(
            FieldError(
                "DUPLICATE_EXTERNAL_ID",
                f"external id {external_id!r} is used by another unit",
                ("input", "externalId"),
            )
        )
    if errors:
        raise Invalid(errors)
    unit = OrgUnit(
        organization_id=org, name=name, kind=kind, parent_id=parent_id, external_id=external_id
    )
    session.add(unit)
    await session.flush()
    await record(
        session,
        principal,
        action="orgUnit.create",
        entity_type="OrgUnit",
        entity_id=unit.id,
        after=snapshot(unit),
    )
    if leader_id is not None:
        leadership = OrgUnitLeadership(
            organization_id=org, org_unit_id=unit.id, employee_id=leader_id, effective_from=today
        )
        session.add(leadership)
        await session.flush()
        await record(
            session,
            principal,
            action="orgUnit.leaderAssign",
            entity_type="OrgUnit",
            entity_id=unit.id,
            after=snapshot(leadership),
        )
    if external_id:  # queue-level readings quarantined under this id can now be applied
        await apply_quarantined(session, principal, [external_id], kind=ORG_UNIT)
    return unit


async def update_unit(
    session: AsyncSession,
    principal: Principal,
    *,
    unit_id: uuid.UUID | None,
    name: str | None,
    parent_id: uuid.UUID | None,
    parent_given: bool,
) -> OrgUnit:
    """Rename and/or re-parent a unit; a move under its own subtree is a CYCLE."""
    unit = await _unit(session, principal, unit_id, "input", "orgUnitId")
    before = snapshot(unit)
    if name is not None:
        unit.name = check_name(name, "input", "name")
    if parent_given:
        if parent_id is not None:
            await _unit(session, principal, parent_id, "input", "parentId")
            chain = await repo.ancestor_ids(session, principal.organization_id, parent_id)
            if unit.id in chain:
                raise Invalid.one(
                    "CYCLE",
                    "a unit cannot move under itself or its own subtree",
                    "input",
                    "parentId",
                )
        unit.parent_id = parent_id
    await session.flush()
    await record(
        session,
        principal,
        action="orgUnit.update",
        entity_type="OrgUnit",
        entity_id=unit.id,
        before=before,
        after=snapshot(unit),
    )
    return unit


async def assign_leader(
    session: AsyncSession,
    principal: Principal,
    *,
    unit_id: uuid.UUID | None,
    employee_id: uuid.UUID | None,
    effective_from: dt.date,
) -> OrgUnit:
    """Lead ``unit`` from a date (None: nobody); the leadership in force ends on that date."""
    unit = await _unit(session, principal, unit_id, "input", "orgUnitId")
    if employee_id is not None:
        await _employee(session, principal, employee_id, "input", "employeeId")
    rows = await repo.leaderships_of_unit(session, principal.organization_id, unit.id)
    later = [r for r in rows if r.effective_from > effective_from]
    if later:
        raise Invalid.one(
            "OVERLAP",
            f"a leadership of this unit starts later, on {later[0].effective_from.isoformat()}",
            "input",
            "effectiveFrom",
        )
    same_day = next((r for r in rows if r.effective_from == effective_from), None)
    current = next(
        (
            r
            for r in rows
            if r.effective_from < effective_from
            and (r.effective_to is None or r.effective_to > effective_from)
        ),
        None,
    )
    before = snapshot(same_day or current)
    if same_day is not None:
        # A second assignment for the same day corrects the first rather than stacking on it.
        same_day.employee_id = employee_id
        row = same_day
    else:
        if current is not None:
            current.effective_to = effective_from
        row = OrgUnitLeadership(
            organization_id=principal.organization_id,
            org_unit_id=unit.id,
            employee_id=employee_id,
            effective_from=effective_from,
        )
        session.add(row)
    await session.flush()
    await record(
        session,
        principal,
        action="orgUnit.leaderAssign",
        entity_type="OrgUnit",
        entity_id=unit.id,
        before=before,
        after=snapshot(row),
    )
    return unit
