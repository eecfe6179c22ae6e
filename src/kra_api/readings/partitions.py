"""Month partitions of kpi_reading, created on demand before rows of a new month are merged."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

_ENSURE = text("SELECT kra_reading_partition(:day)")
_AS_APP = text("SELECT set_config('role', 'kra_app', true)")
_ZERO = dt.timedelta(0)


def month_of(instant: dt.datetime) -> dt.date:
    """The first day of the UTC month holding ``instant`` (partitions are bounded in UTC)."""
    if instant.utcoffset() != _ZERO:
        instant = instant.astimezone(dt.UTC)
    return dt.date(instant.year, instant.month, 1)


async def ensure_partitions(session: AsyncSession, months: Iterable[dt.date]) -> None:
    """Make sure a partition exists for every month, committed before the caller merges.

    It runs on a connection of its own: a partition made inside the caller's (possibly long)
    transaction would hold the parent's SHARE UPDATE EXCLUSIVE lock until that commits and make
    every other tenant's new month wait. ATTACH does not conflict with the caller's own locks.
    """
    wanted = sorted(set(months))
    if not wanted:
        return
    engine = session.bind
    assert isinstance(engine, AsyncEngine)
    async with engine.connect() as conn:
        if session.info.get("set_role", True):
            await conn.execute(_AS_APP)  # the same role as the caller: kra_app has EXECUTE only
        for month in wanted:
            await conn.execute(_ENSURE, {"day": month})
        await conn.commit()
