"""Rules for evaluation periods. Services flush, never commit."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from kra_api.audit.service import record, snapshot
from kra_api.auth.principal import Principal
from kra_api.errors import FieldError, Invalid
from kra_api.models import Period
from kra_api.orgs.service import check_name
from kra_api.periods import repository as repo
from kra_api.periods.calendar import PeriodKind, shape_errors

EXCLUSION_VIOLATION = "23P01"


def _clash(other: Period) -> FieldError:
    message = (
        f"overlaps {other.kind} period {other.name!r} "
        f"({other.start_date.isoformat()} to {other.end_date.isoformat()})"
    )
    return FieldError("OVERLAP", message, ("input", "startDate"))


async def create_period(
    session: AsyncSession,
    principal: Principal,
    *,
    name: str,
    kind: PeriodKind,
    start_date: dt.date,
    end_date: dt.date,
) -> Period:
    """A new period; calendar kinds must match the calendar, periods of one kind never overlap."""
    org = principal.organization_id
    errors: list[FieldError] = []
    try:
        name = check_name(name, "input", "name")
    except Invalid as exc:
        errors += exc.errors
    shape = shape_errors(kind, start_date, end_date)
    errors += shape
    if not shape:
        errors += [
            _clash(p) for p in await repo.overlapping(session, org, kind, start_date, end_date)
        ]
    if errors:
        raise Invalid(errors)
    period = Period(
        organization_id=org, name=name, kind=kind.value, start_date=start_date, end_date=end_date
    )
    session.add(period)
    try:
        await session.flush()
    except IntegrityError as exc:
        # A concurrent writer created an overlapping period first: the exclusion constraint holds.
        if getattr(exc.driver_exception, "sqlstate", None) == EXCLUSION_VIOLATION:
            message = f"overlaps another {kind.value} period created meanwhile"
            raise Invalid.one("OVERLAP", message, "input", "startDate") from exc
        raise
    await record(
        session,
        principal,
        action="period.create",
        entity_type="Period",
        entity_id=period.id,
        after=snapshot(period),
    )
    return period
