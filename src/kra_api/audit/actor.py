"""Who acted, as stored on rows that name their author or approver (goals, KRA set publishes)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from kra_api.auth.principal import Principal
from kra_api.people import repository as people_repo


@dataclass(frozen=True)
class ActorRef:
    """An actor's kind (USER, INTEGRATION, SYSTEM), label and employee record, if any."""

    kind: str
    label: str
    employee_id: uuid.UUID | None = None


async def actor_of(session: AsyncSession, principal: Principal) -> ActorRef:
    """The caller as an actor; a user whose token names a known employee is linked to them."""
    employee_id = None
    if principal.employee_external_id is not None:
        found = await people_repo.employees_by_external_id(
            session, principal.organization_id, [principal.employee_external_id]
        )
        employee = found.get(principal.employee_external_id)
        employee_id = employee.id if employee is not None else None
    return ActorRef(kind=principal.kind, label=principal.label, employee_id=employee_id)
