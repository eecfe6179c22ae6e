"""Planner settings for the statements that aggregate readings, per transaction.

The aggregates scan millions of rows for an organization and a handful for one employee: plan
each call for its own arguments (a cached generic plan cannot know the segment count), skip JIT
(compiling costs seconds and saves less), and let hashing and sorting stay in memory.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

TUNE_SQL = (
    "SELECT set_config('plan_cache_mode', 'force_custom_plan', true), "
    "set_config('jit', 'off', true), set_config('work_mem', '64MB', true)"
)


async def tune_connection(connection: AsyncConnection) -> None:
    """The aggregate planner settings, for the rest of the connection's transaction only."""
    await connection.exec_driver_sql(TUNE_SQL)


async def tune(session: AsyncSession) -> None:
    """The aggregate planner settings, for the rest of the session's transaction only."""
    await tune_connection(await session.connection())
