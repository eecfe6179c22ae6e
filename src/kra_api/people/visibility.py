"""Who manages whom: effective-dated unit leadership (architecture.md "Auth model")."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from kra_api.orgs import repository as org_repo
from kra_api.people import repository as repo


async def reviewer_of(
    session: AsyncSession, org_id: uuid.UUID, employee_id: uuid.UUID, day: dt.date
) -> uuid.UUID | None:
    """The leader of the employee's unit on ``day``; if that is the employee, the nearest above."""
    assignment = (await repo.assignments_at(session, org_id, [employee_id], day)).get(employee_id)
    if assignment is None:
        return None
    return await org_repo.nearest_leader(session, org_id, assignment.org_unit_id, day, employee_id)
