"""employeeIdentityLink: tie a source system's id to an employee, then apply its quarantine."""

from __future__ import annotations

import uuid

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from kra_api.audit.service import record, snapshot
from kra_api.auth.principal import Principal
from kra_api.errors import FieldError, Invalid
from kra_api.models import Employee, EmployeeIdentity
from kra_api.people import repository as repo
from kra_api.readings.quarantine import apply_quarantined
from kra_api.readings.schemas import MAX_EXTERNAL_ID, check_source


async def link_identity(
    session: AsyncSession,
    principal: Principal,
    *,
    employee_id: uuid.UUID,
    source: str,
    external_id: str,
) -> tuple[Employee, int]:
    """Link ``source:external_id`` to the employee (idempotent); returns the employee and how
    many quarantined readings were applied."""
    org = principal.organization_id
    errors = check_source(source, "input", "source")
    if not external_id.strip() or len(external_id) > MAX_EXTERNAL_ID:
        message = f"externalId must be 1 to {MAX_EXTERNAL_ID} characters"
        errors.append(FieldError("INVALID", message, ("input", "externalId")))
    employee = await session.get(Employee, (org, employee_id))
    if employee is None:
        errors.append(FieldError("NOT_FOUND", "no such employee", ("input", "employeeId")))
    if errors or employee is None:
        raise Invalid(errors)
    known = await repo.identities_by_key(session, org, [(source, external_id)])
    owner = known.get((source, external_id))
    if owner is not None and owner.employee_id != employee.id:
        message = f"{source}:{external_id} belongs to another employee"
        raise Invalid.one("DUPLICATE_IDENTITY", message, "input", "externalId")
    if owner is None:
        identity = EmployeeIdentity(
            organization_id=org, employee_id=employee.id, source=source, external_id=external_id
        )
        session.add(identity)
        try:
            await session.flush()
        except IntegrityError as exc:  # a concurrent link of the same id won the race
            message = f"{source}:{external_id} was just linked to an employee"
            raise Invalid.one("DUPLICATE_IDENTITY", message, "input", "externalId") from exc
        await record(
            session,
            principal,
            action="employee.identityLink",
            entity_type="Employee",
            entity_id=employee.id,
            after=snapshot(identity),
        )
    applied = await apply_quarantined(session, principal, [external_id])
    return employee, applied
