"""Which FINAL periods a change reaches: goal versions and KRA set publishes must not (§9)."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from kra_api.errors import FieldError
from kra_api.models import Organization, Period
from kra_api.periods.state import local_date


async def final_periods_reached(
    session: AsyncSession, org_id: uuid.UUID, start: dt.date, end: dt.date | None
) -> list[Period]:
    """FINAL periods (of any kind) sharing a day with ``[start, end)``, oldest first."""
    org = await session.get(Organization, org_id)
    assert org is not None  # the credential's organization exists (checked at authentication)
    today = local_date(dt.datetime.now(dt.UTC), org.timezone)
    final_up_to = today - dt.timedelta(days=org.grace_days)
    stmt = (
        select(Period)
        .where(
            col(Period.organization_id) == org_id,
            col(Period.end_date) > start,
            or_(col(Period.finalized_at).is_not(None), col(Period.end_date) <= final_up_to),
        )
        .order_by(col(Period.start_date), col(Period.id))
    )
    if end is not None:
        stmt = stmt.where(col(Period.start_date) < end)
    return list((await session.execute(stmt)).scalars())


def period_final_error(period: Period, *path: str) -> FieldError:
    """PERIOD_FINAL naming the period."""
    message = (
        f"reaches into {period.kind} period {period.name!r} "
        f"({period.start_date.isoformat()} to {period.end_date.isoformat()}), which is FINAL"
    )
    return FieldError("PERIOD_FINAL", message, path)
