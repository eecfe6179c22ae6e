"""Engine and tenant-scoped sessions: every transaction runs as kra_app with its organization set.

Row-level security is the second wall behind the repositories' organization filters. Superusers
bypass RLS even when it is forced, so when the configured URL is a superuser (CI, the embedded
server) each transaction switches to ``kra_app`` with a transaction-local ``role`` setting; the
pooled connection returns to its login role when the transaction ends.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import Session, SessionTransaction

from kra_api.db.urls import async_url

APP_ROLE = "kra_app"
ORG_SETTING = "app.organization_id"
_SET_TENANT_AND_ROLE = text(
    "SELECT set_config('role', :role, true), set_config('app.organization_id', :org, true)"
)
_SET_TENANT = text("SELECT set_config('app.organization_id', :org, true)")


class TenantSession(Session):
    """A session whose every transaction carries its tenant (``info['organization_id']``)."""


@event.listens_for(TenantSession, "after_begin")
def _apply_tenant(session: Session, _tx: SessionTransaction, connection: Connection) -> None:
    org = session.info.get("organization_id")
    params = {"org": str(org) if org else "", "role": APP_ROLE}
    statement = _SET_TENANT_AND_ROLE if session.info.get("set_role", True) else _SET_TENANT
    connection.execute(statement, params)


async def enter_tenant(session: AsyncSession, organization_id: uuid.UUID) -> None:
    """Scope ``session`` to ``organization_id`` from now on, its current transaction included
    (a session opened with no tenant that has just found out whose request it serves)."""
    session.info["organization_id"] = organization_id
    if session.in_transaction():
        await session.execute(_SET_TENANT, {"org": str(organization_id)})


class Database:
    """The process-wide engine plus a factory of tenant sessions."""

    def __init__(
        self, url: str, *, set_role: bool = True, pool_size: int = 10, max_overflow: int = 10
    ) -> None:
        self.url = url
        self.set_role = set_role
        self.engine: AsyncEngine = create_async_engine(
            async_url(url),
            pool_size=pool_size,
            max_overflow=max_overflow,
            pool_pre_ping=True,
        )
        self._sessions = async_sessionmaker(
            self.engine, expire_on_commit=False, sync_session_class=TenantSession
        )

    def session(self, organization_id: uuid.UUID | None) -> AsyncSession:
        """A new session scoped to one organization (None: a session that sees no tenant rows)."""
        info: dict[str, Any] = {"organization_id": organization_id, "set_role": self.set_role}
        return self._sessions(info=info)

    async def ping(self) -> None:
        """Raise if the database cannot answer a trivial query."""
        async with self.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))

    async def dispose(self) -> None:
        """Close every pooled connection."""
        await self.engine.dispose()
