"""Starting evaluations: one employee, or a whole org unit at once (set-based).

The reviewer rule is judged on the placement day (the last day of the period the employee was
assigned). Starting an evaluation that exists returns it and writes nothing.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from kra_api.auth.principal import Principal
from kra_api.dates import today_in
from kra_api.errors import Forbidden, Invalid
from kra_api.evaluations import repository as repo
from kra_api.evaluations.policy import first_state, may_start
from kra_api.evaluations.records import written
from kra_api.evaluations.relation import relation
from kra_api.models import Employee, Evaluation, Organization, OrgUnit, Period
from kra_api.people.visibility import reviewer_of, reviewers_of
from kra_api.scoring.access import leads_over, viewer_employee
from kra_api.scoring.team import load_members

ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Started:
    """The evaluation of an employee and period, and whether this call created it."""

    evaluation: Evaluation
    created: bool


@dataclass(frozen=True)
class UnitStarted:
    """Counts of a bulk start: created, already there, and members the caller may not start."""

    started: int
    existing: int
    skipped: int


def new_row(
    org_id: uuid.UUID, employee_id: uuid.UUID, period_id: uuid.UUID, day: dt.date, skip: bool
) -> dict[str, object]:
    """The columns of a new evaluation."""
    now = dt.datetime.now(dt.UTC)
    return {
        "organization_id": org_id,
        "id": uuid.uuid4(),
        "employee_id": employee_id,
        "period_id": period_id,
        "placement_day": day,
        "state": first_state(skip).value,
        "revision": 1,
        "skip_self_review": skip,
        "created_at": now,
        "updated_at": now,
    }


async def _period_shared(
    session: AsyncSession, org_id: uuid.UUID, period_id: uuid.UUID
) -> Period | None:
    """The period, share-locked: starts run side by side, but not beside periodFinalize (which
    locks it for update), so no evaluation starts in a period being finalized."""
    return await session.get(Period, (org_id, period_id), with_for_update={"read": True})


async def record_started(
    session: AsyncSession, principal: Principal, evaluations: list[Evaluation], **extra: object
) -> None:
    """Audit and queue the outbox event of each new evaluation."""
    for ev in evaluations:
        await written(
            session,
            principal,
            ev,
            action="evaluation.start",
            event="evaluation.started",
            before=None,
            extra=dict(extra),
            touch=False,
        )


async def start(
    session: AsyncSession,
    principal: Principal,
    employee_id: uuid.UUID,
    period_id: uuid.UUID,
    skip_self_review: bool,
) -> Started:
    """The employee's evaluation of the period, created by hr/admin or the reviewer."""
    org = principal.organization_id
    employee = await session.get(Employee, (org, employee_id))
    period = await _period_shared(session, org, period_id)
    errors = []
    if employee is None:
        errors.append(("input", "employeeId"))
    if period is None:
        errors.append(("input", "periodId"))
    if errors:
        raise Invalid.one("NOT_FOUND", "no such employee or period", *errors[0])
    assert period is not None
    day = await repo.placement_day(session, org, employee_id, (period.start_date, period.end_date))
    if day is None:
        message = f"the employee is not assigned during {period.name!r}"
        raise Invalid.one("NOT_ASSIGNED", message, "input", "employeeId")
    viewer = await viewer_employee(session, principal)
    reviewer = await reviewer_of(session, org, employee_id, day)
    if not may_start(relation(principal, viewer, employee_id, reviewer)):
        raise Forbidden(f"{principal.label} may not start this employee's evaluation")
    found = await repo.of_employee(session, org, employee_id, period_id)
    if found is not None:
        return Started(found, False)
    row = new_row(org, employee_id, period_id, day, skip_self_review)
    inserted = await repo.insert_new(session, [row])
    ev = await repo.of_employee(session, org, employee_id, period_id)
    assert ev is not None  # inserted now, or by a concurrent start that won the race
    if inserted:
        await record_started(session, principal, [ev])
    return Started(ev, bool(inserted))


async def start_unit(
    session: AsyncSession,
    principal: Principal,
    unit_id: uuid.UUID,
    period_id: uuid.UUID,
    skip_self_review: bool,
) -> UnitStarted:
    """Start the evaluations of everyone assigned to the unit's subtree on the period's last
    day: hr/admin start all (but their own), a manager leading the unit those they review."""
    org_id = principal.organization_id
    unit = await session.get(OrgUnit, (org_id, unit_id))
    period = await _period_shared(session, org_id, period_id)
    if unit is None:
        raise Invalid.one("NOT_FOUND", "no such org unit", "input", "orgUnitId")
    if period is None:
        raise Invalid.one("NOT_FOUND", "no such period", "input", "periodId")
    org = await session.get(Organization, org_id)
    assert org is not None
    last_day = period.end_date - ONE_DAY
    viewer = await viewer_employee(session, principal)
    if not principal.is_hr_or_admin:
        days = [(unit_id, last_day), (unit_id, today_in(org.timezone))]
        if viewer is None or not await leads_over(session, org_id, viewer, units=days):
            raise Forbidden(f"{principal.label} does not lead this org unit")
    members = sorted(await load_members(session, org_id, unit_id, last_day))
    reviewers = await reviewers_of(session, org_id, [(m, last_day) for m in members])
    mine = [
        m for m in members if may_start(relation(principal, viewer, m, reviewers[(m, last_day)]))
    ]
    existing = await repo.of_employees(session, org_id, period_id, mine)
    rows = [
        new_row(org_id, m, period_id, last_day, skip_self_review) for m in mine if m not in existing
    ]
    inserted = await repo.insert_new(session, rows)
    created = await repo.by_ids(session, org_id, sorted(inserted))
    await record_started(session, principal, created, bulk=True)
    return UnitStarted(
        started=len(created),
        existing=len(mine) - len(created),
        skipped=len(members) - len(mine),
    )
