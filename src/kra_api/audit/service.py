"""Writes the append-only audit log; every mutation calls ``record`` in its own transaction.

A user's entries name their employee record (``actor_employee_id``) so that the log can be
filtered by actor; the lookup happens once per session (cached in ``session.info``).
"""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from collections.abc import Mapping
from enum import Enum
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import SQLModel, col

from kra_api.auth.principal import Principal
from kra_api.models import AuditEntry, Employee

_ACTOR_CACHE = "audit_actor_employee"


def _jsonable(value: Any) -> Any:
    if isinstance(value, uuid.UUID | dt.date | dt.datetime):
        return value.isoformat() if not isinstance(value, uuid.UUID) else str(value)
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    return value


def snapshot(row: SQLModel | Mapping[str, Any] | None) -> dict[str, Any] | None:
    """A JSON-ready copy of a row's columns (or a mapping), for before/after."""
    if row is None:
        return None
    data = dict(row) if isinstance(row, Mapping) else row.model_dump()
    data.pop("organization_id", None)
    result: dict[str, Any] = _jsonable(data)
    return result


async def record(
    session: AsyncSession,
    principal: Principal,
    *,
    action: str,
    entity_type: str,
    entity_id: uuid.UUID | None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str | None = None,
    actor_employee_id: uuid.UUID | None = None,
) -> None:
    """Append one audit entry in the caller's transaction."""
    if actor_employee_id is None:
        actor_employee_id = await _actor_employee(session, principal)
    session.add(
        AuditEntry(
            organization_id=principal.organization_id,
            actor_kind=principal.kind,
            actor_label=principal.label,
            actor_employee_id=actor_employee_id,
            action=action,
            entity_type=entity_type,
            entity_id=entity_id,
            before=before,
            after=after,
            reason=reason,
            request_id=principal.request_id,
        )
    )


async def _actor_employee(session: AsyncSession, principal: Principal) -> uuid.UUID | None:
    """The employee a user principal stands for; a found id is kept for the session (a token's
    employee never changes), a missing one is looked up again (it may be created meanwhile)."""
    external_id = principal.employee_external_id
    if external_id is None:
        return None
    cache: dict[tuple[uuid.UUID, str], uuid.UUID | None] = session.info.setdefault(_ACTOR_CACHE, {})
    key = (principal.organization_id, external_id)
    if cache.get(key) is None:
        stmt = select(col(Employee.id)).where(
            col(Employee.organization_id) == principal.organization_id,
            col(Employee.external_id) == external_id,
        )
        cache[key] = (await session.execute(stmt)).scalar_one_or_none()
    return cache[key]
