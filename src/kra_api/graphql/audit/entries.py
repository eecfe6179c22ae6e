"""The audit log as GraphQL: entries newest first, filtered; hr and admin only."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, cast

import strawberry
from sqlalchemy import select
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import col
from strawberry.scalars import JSON

from kra_api import models
from kra_api.auth.principal import UserRole
from kra_api.db.keyset import Keyset
from kra_api.graphql.audit.types import Actor
from kra_api.graphql.core.context import Context, Info
from kra_api.graphql.core.ids import NIL, expect_id, parse_global_id, to_global_id
from kra_api.graphql.core.node import Node, register_node
from kra_api.graphql.core.pagination import Connection
from kra_api.graphql.core.permissions import allow

CanReadAudit = allow(UserRole.ADMIN, UserRole.HR)
AUDIT_KEYSET = Keyset(
    columns=[col(models.AuditEntry.at), col(models.AuditEntry.id)],
    parsers=[dt.datetime.fromisoformat, uuid.UUID],
    descending=True,
)


def _utc(value: dt.datetime) -> dt.datetime:
    """Instants without an offset are taken as UTC."""
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


@strawberry.type(description="One change: who, when, what, to which entity, before/after, why.")
class AuditEntry(Node):
    row: strawberry.Private[models.AuditEntry]
    at: dt.datetime = strawberry.field(description="When (UTC).")
    action: str = strawberry.field(description="What was done, e.g. evaluation.finalize.")
    entity_type: str = strawberry.field(description="The kind of entity changed, e.g. Evaluation.")
    before: JSON | None = strawberry.field(description="The entity's state before (JSON).")
    after: JSON | None = strawberry.field(description="The entity's state after (JSON).")
    reason: str | None = strawberry.field(description="Why, when a reason was given.")
    request_id: str | None = strawberry.field(description="The request (X-Request-ID) it came in.")

    @classmethod
    def of(cls, row: models.AuditEntry) -> AuditEntry:
        """Wrap a row."""
        return cls(
            id=to_global_id("AuditEntry", row.id),
            row=row,
            at=row.at,
            action=row.action,
            entity_type=row.entity_type,
            before=cast(JSON, row.before),
            after=cast(JSON, row.after),
            reason=row.reason,
            request_id=row.request_id,
        )

    @strawberry.field(description="The entity's global id (the id its own type uses).")
    def entity_id(self) -> strawberry.ID | None:
        if self.row.entity_id is None:
            return None
        return to_global_id(self.row.entity_type, self.row.entity_id)

    @strawberry.field(description="Who acted.")
    def actor(self) -> Actor:
        found = Actor.of(self.row.actor_kind, self.row.actor_label, self.row.actor_employee_id)
        assert found is not None  # both columns are NOT NULL
        return found


@strawberry.input(description="Narrow the audit log; every given condition must hold.")
class AuditLogFilter:
    entity_id: strawberry.ID | None = strawberry.field(
        default=None, description="Entries about this entity (any global id)."
    )
    actor_id: strawberry.ID | None = strawberry.field(
        default=None, description="Entries by this employee (a user acting for them)."
    )
    action: str | None = strawberry.field(default=None, description="Exactly this action.")
    from_: dt.datetime | None = strawberry.field(
        default=None, name="from", description="At or after this instant."
    )
    to: dt.datetime | None = strawberry.field(
        default=None, description="Before this instant (exclusive)."
    )


@strawberry.type(description="Audit entries, keyset-paginated, newest first.")
class AuditEntryConnection(Connection[AuditEntry]):
    pass


def _conditions(where: AuditLogFilter | None) -> list[ColumnElement[Any]]:
    a = models.AuditEntry
    if where is None:
        return []
    found: list[ColumnElement[Any]] = []
    if where.entity_id is not None:
        parsed = parse_global_id(where.entity_id)
        found.append(col(a.entity_id) == (parsed[1] if parsed else NIL))
    if where.actor_id is not None:
        found.append(col(a.actor_employee_id) == expect_id(where.actor_id, "Employee"))
    if where.action is not None:
        found.append(col(a.action) == where.action)
    if where.from_ is not None:
        found.append(col(a.at) >= _utc(where.from_))
    if where.to is not None:
        found.append(col(a.at) < _utc(where.to))
    return found


async def audit_page(
    ctx: Context, first: int | None, after: str | None, where: AuditLogFilter | None
) -> AuditEntryConnection:
    """A page of the organization's audit log, newest first (at, id descending)."""
    a = models.AuditEntry
    base = select(a).where(col(a.organization_id) == ctx.organization_id, *_conditions(where))
    stmt = AUDIT_KEYSET.apply(base, first, after)
    async with ctx.db.read() as s:
        rows = list((await s.execute(stmt)).scalars())
    page = AUDIT_KEYSET.page(rows, first, after, lambda r: (r.at, r.id))
    return AuditEntryConnection.of(page, AuditEntry.of)


async def _load_entry(ctx: Context, row_id: uuid.UUID) -> AuditEntry | None:
    if not ctx.require_principal().is_hr_or_admin:
        return None  # the log is for hr and admin; node(id:) answers null like an unknown id
    async with ctx.db.read() as s:
        row = await s.get(models.AuditEntry, (ctx.organization_id, row_id))
    return AuditEntry.of(row) if row else None


register_node("AuditEntry", _load_entry)


@strawberry.type
class AuditQueries:
    @strawberry.field(
        permission_classes=[CanReadAudit],
        description="The append-only audit log, newest first: every mutation's actor, time, "
        "action, entity, before/after, reason and request id. hr and admin only.",
    )
    async def audit_log(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        filter: AuditLogFilter | None = None,
    ) -> AuditEntryConnection:
        return await audit_page(info.context, first, after, filter)
