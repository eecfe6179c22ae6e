"""Who manages whom: effective-dated unit leadership (architecture.md "Auth model")."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Sequence

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


async def reviewers_of(
    session: AsyncSession, org_id: uuid.UUID, keys: Sequence[tuple[uuid.UUID, dt.date]]
) -> dict[tuple[uuid.UUID, dt.date], uuid.UUID | None]:
    """``reviewer_of`` for many (employee, day) pairs: one query per distinct day, plus one."""
    by_day: dict[dt.date, list[uuid.UUID]] = defaultdict(list)
    for employee_id, day in keys:
        by_day[day].append(employee_id)
    wanted: list[tuple[uuid.UUID, uuid.UUID, dt.date]] = []
    for day, employee_ids in by_day.items():
        assignments = await repo.assignments_at(session, org_id, employee_ids, day)
        wanted += [(e, a.org_unit_id, day) for e, a in assignments.items()]
    found = await org_repo.nearest_leaders(session, org_id, wanted)
    return {key: found.get(key) for key in keys}
