"""One tenant session per request, used by one coroutine at a time.

graphql-core resolves sibling fields concurrently, and an AsyncSession must never be used by two
coroutines at once, so every use goes through a lock. Mutations run serially (GraphQL spec), each
in its own transaction: the unit of work commits on success and rolls back on any exception.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncSession

from kra_api.db.session import Database


class RequestDb:
    """Lazily opened, lock-guarded tenant session of one request."""

    def __init__(self, database: Database, organization_id: uuid.UUID | None) -> None:
        self._database = database
        self._organization_id = organization_id
        self._session: AsyncSession | None = None
        self._lock = asyncio.Lock()

    def _current(self) -> AsyncSession:
        if self._session is None:
            self._session = self._database.session(self._organization_id)
        return self._session

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncSession]:
        """The session for reading; never await a DataLoader inside this block."""
        async with self._lock:
            yield self._current()

    @asynccontextmanager
    async def unit_of_work(self) -> AsyncIterator[AsyncSession]:
        """A transaction that commits when the block succeeds and writes nothing otherwise."""
        async with self._lock:
            session = self._current()
            if session.in_transaction():
                await session.rollback()  # end the read snapshot before writing
            try:
                yield session
            except BaseException:
                await session.rollback()
                raise
            await session.commit()

    async def close(self) -> None:
        """Release the connection (rolling back any open read transaction)."""
        if self._session is not None:
            await self._session.close()
            self._session = None
