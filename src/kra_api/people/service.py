"""Rules for employees, identities, roles and assignments. Services flush, never commit."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession

from kra_api.audit.service import record, snapshot
from kra_api.auth.principal import Principal
from kra_api.dates import overlaps
from kra_api.errors import FieldError, Invalid
from kra_api.kras.service import open_first_draft
from kra_api.models import Assignment, Employee, EmployeeIdentity, OrgUnit, Role
from kra_api.orgs.service import check_name
from kra_api.people import repository as repo
from kra_api.readings.quarantine import apply_quarantined

MAX_UPSERT = 100
CODE_PATTERN = re.compile(r"^[A-Z][A-Z0-9_]{0,39}$")
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_EXTERNAL_ID = 200


@dataclass(frozen=True)
class IdentityIn:
    """A source system's id for the employee."""

    source: str
    external_id: str


@dataclass(frozen=True)
class EmployeeIn:
    """One row of an HRIS sync."""

    external_id: str
    name: str
    email: str | None = None
    manager_external_id: str | None = None
    terminated_on: dt.date | None = None
    identities: Sequence[IdentityIn] | None = None


@dataclass
class UpsertResult:
    """What an upsert did, row by row."""

    employees: list[Employee] = field(default_factory=list)
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    readings_applied: int = 0


def _validate_row(index: int, row: EmployeeIn) -> list[FieldError]:
    path = ("input", "employees", str(index))
    errors = []
    if not row.external_id.strip() or len(row.external_id) > MAX_EXTERNAL_ID:
        errors.append(
            FieldError(
                "INVALID",
                f"externalId must be 1 to {MAX_EXTERNAL_ID} characters",
                (*path, "externalId"),
            )
        )
    if not row.name.strip() or len(row.name) > 200:
        errors.append(FieldError("INVALID", "name must be 1 to 200 characters", (*path, "name")))
    if row.email is not None and not EMAIL_PATTERN.match(row.email):
        errors.append(
            FieldError("INVALID", f"{row.email!r} is not an email address", (*path, "email"))
        )
    for j, ident in enumerate(row.identities or []):
        if not ident.source.strip() or not ident.external_id.strip():
            errors.append(
                FieldError(
                    "INVALID",
                    "source and externalId must not be empty",
                    (*path, "identities", str(j)),
                )
            )
    return errors


async def upsert_employees(
    session: AsyncSession, principal: Principal, rows: Sequence[EmployeeIn]
) -> UpsertResult:
    """Insert or update employees by external id; all rows or none (errors name the row index)."""
    org = principal.organization_id
    if len(rows) > MAX_UPSERT:
        raise Invalid.one(
            "TOO_MANY",
            f"at most {MAX_UPSERT} employees per call, got {len(rows)}",
            "input",
            "employees",
        )
    errors = [e for i, row in enumerate(rows) for e in _validate_row(i, row)]
    seen: dict[str, int] = {}
    for i, row in enumerate(rows):
        if row.external_id in seen:
            errors.append(
                FieldError(
                    "INVALID",
                    f"externalId {row.external_id!r} repeats row {seen[row.external_id]}",
                    ("input", "employees", str(i), "externalId"),
                )
            )
        seen[row.external_id] = i
    if errors:
        raise Invalid(errors)
    wanted = {r.external_id for r in rows} | {
        r.manager_external_id for r in rows if r.manager_external_id
    }
    existing = await repo.employees_by_external_id(session, org, sorted(wanted))
    result = UpsertResult()
    # Managers may be rows of this same batch: create everyone first, link managers after.
    changed: dict[str, bool] = {}
    befores: dict[str, dict[str, object] | None] = {}
    for row in rows:
        employee = existing.get(row.external_id)
        befores[row.external_id] = snapshot(employee)
        if employee is None:
            employee = Employee(
                organization_id=org,
                external_id=row.external_id,
                name=row.name.strip(),
                email=row.email,
                terminated_on=row.terminated_on,
            )
            session.add(employee)
            existing[row.external_id] = employee
            changed[row.external_id] = True
        else:
            new = (row.name.strip(), row.email, row.terminated_on)
            changed[row.external_id] = (
                employee.name,
                employee.email,
                employee.terminated_on,
            ) != new
            employee.name, employee.email, employee.terminated_on = new
    await session.flush()
    for i, row in enumerate(rows):
        employee = existing[row.external_id]
        manager_id = None
        if row.manager_external_id:
            manager = existing.get(row.manager_external_id)
            if manager is None:
                errors.append(
                    FieldError(
                        "NOT_FOUND",
                        f"no employee with externalId {row.manager_external_id!r}",
                        ("input", "employees", str(i), "managerExternalId"),
                    )
                )
                continue
            manager_id = manager.id
        if employee.manager_id != manager_id:
            employee.manager_id = manager_id
            changed[row.external_id] = True
    errors += await _sync_identities(session, org, rows, existing, changed)
    if errors:
        raise Invalid(errors)
    for row in rows:
        employee = existing[row.external_id]
        before = befores[row.external_id]
        if before is None:
            result.inserted += 1
        elif changed[row.external_id]:
            result.updated += 1
            employee.updated_at = dt.datetime.now(dt.UTC)
        else:
            result.unchanged += 1
        if before is None or changed[row.external_id]:
            await record(
                session,
                principal,
                action="employee.upsert",
                entity_type="Employee",
                entity_id=employee.id,
                before=before,
                after=snapshot(employee),
            )
        result.employees.append(employee)
    await session.flush()
    # Readings quarantined under these ids (HRIS or source identities) can now be applied.
    named = [r.external_id for r in rows]
    named += [i.external_id for r in rows for i in r.identities or []]
    result.readings_applied = await apply_quarantined(session, principal, named)
    return result


async def _sync_identities(
    session: AsyncSession,
    org: uuid.UUID,
    rows: Sequence[EmployeeIn],
    employees: dict[str, Employee],
    changed: dict[str, bool],
) -> list[FieldError]:
    """Add identities not yet present; an identity owned by someone else is DUPLICATE_IDENTITY."""
    keys = [(i.source, i.external_id) for r in rows for i in (r.identities or [])]
    known = await repo.identities_by_key(session, org, keys)
    errors: list[FieldError] = []
    claimed: dict[tuple[str, str], uuid.UUID] = {}
    for index, row in enumerate(rows):
        employee = employees[row.external_id]
        for j, ident in enumerate(row.identities or []):
            key = (ident.source, ident.external_id)
            owner = known[key].employee_id if key in known else claimed.get(key)
            if owner is not None and owner != employee.id:
                errors.append(
                    FieldError(
                        "DUPLICATE_IDENTITY",
                        f"{ident.source}:{ident.external_id} belongs to another employee",
                        ("input", "employees", str(index), "identities", str(j)),
                    )
                )
                continue
            if owner is None:
                session.add(
                    EmployeeIdentity(
                        organization_id=org,
                        employee_id=employee.id,
                        source=ident.source,
                        external_id=ident.external_id,
                    )
                )
                claimed[key] = employee.id
                changed[row.external_id] = True
    await session.flush()
    return errors


async def create_role(session: AsyncSession, principal: Principal, *, code: str, name: str) -> Role:
    """A new role with a unique upper-case code, and its draft KRA set v1."""
    org = principal.organization_id
    errors: list[FieldError] = []
    if not CODE_PATTERN.match(code):
        errors.append(
            FieldError(
                "INVALID",
                "code must start with A-Z and use A-Z, 0-9 and '_' (at most 40)",
                ("input", "code"),
            )
        )
    elif await repo.role_by_code(session, org, code):
        errors.append(
            FieldError("DUPLICATE", f"a role with code {code!r} exists", ("input", "code"))
        )
    try:
        name = check_name(name, "input", "name")
    except Invalid as exc:
        errors += exc.errors
    if errors:
        raise Invalid(errors)
    role = Role(organization_id=org, code=code, name=name)
    session.add(role)
    await session.flush()
    await record(
        session,
        principal,
        action="role.create",
        entity_type="Role",
        entity_id=role.id,
        after=snapshot(role),
    )
    await open_first_draft(session, principal, role)  # every role starts with draft KRA set v1
    return role


async def assign(
    session: AsyncSession,
    principal: Principal,
    *,
    employee_id: uuid.UUID,
    role_id: uuid.UUID,
    org_unit_id: uuid.UUID,
    effective_from: dt.date,
    effective_to: dt.date | None,
) -> Assignment:
    """Give an employee a role and unit from a date; the assignment in force then ends that day."""
    org = principal.organization_id
    errors: list[FieldError] = []
    employee = await session.get(Employee, (org, employee_id))
    if employee is None:
        errors.append(FieldError("NOT_FOUND", "no such employee", ("input", "employeeId")))
    if await session.get(Role, (org, role_id)) is None:
        errors.append(FieldError("NOT_FOUND", "no such role", ("input", "roleId")))
    if await session.get(OrgUnit, (org, org_unit_id)) is None:
        errors.append(FieldError("NOT_FOUND", "no such org unit", ("input", "orgUnitId")))
    if effective_to is not None and effective_to <= effective_from:
        errors.append(
            FieldError(
                "INVALID", "effectiveTo must be after effectiveFrom", ("input", "effectiveTo")
            )
        )
    if errors:
        raise Invalid(errors)
    rows = await repo.assignments_of(session, org, [employee_id])
    current = next(
        (
            a
            for a in rows
            if a.effective_from < effective_from
            and (a.effective_to is None or a.effective_to > effective_from)
        ),
        None,
    )
    for other in rows:
        if other is current:
            continue
        if overlaps(other.effective_from, other.effective_to, effective_from, effective_to):
            end = other.effective_to.isoformat() if other.effective_to else "open-ended"
            raise Invalid.one(
                "OVERLAP",
                f"overlaps the assignment from {other.effective_from.isoformat()} to {end}",
                "input",
                "effectiveFrom",
            )
    if current is not None:
        before = snapshot(current)
        current.effective_to = effective_from
        await record(
            session,
            principal,
            action="assignment.end",
            entity_type="Assignment",
            entity_id=current.id,
            before=before,
            after=snapshot(current),
        )
    assignment = Assignment(
        organization_id=org,
        employee_id=employee_id,
        role_id=role_id,
        org_unit_id=org_unit_id,
        effective_from=effective_from,
        effective_to=effective_to,
    )
    session.add(assignment)
    await session.flush()
    await record(
        session,
        principal,
        action="employee.assign",
        entity_type="Assignment",
        entity_id=assignment.id,
        after=snapshot(assignment),
    )
    return assignment
