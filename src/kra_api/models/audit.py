"""The append-only audit log: every mutation writes one entry per changed entity."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Column, Index
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field

from kra_api.models.base import TenantRow, timestamp_column


class AuditEntry(TenantRow, table=True):
    """Who changed what, when, why, with the state before and after."""

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_entity", "organization_id", "entity_id", "at"),
        Index("ix_audit_log_at", "organization_id", "at"),
    )

    at: datetime = timestamp_column()
    actor_kind: str  # USER | INTEGRATION | SYSTEM
    actor_label: str
    actor_employee_id: uuid.UUID | None = None
    action: str
    entity_type: str
    entity_id: uuid.UUID | None = None
    before: dict[str, Any] | None = Field(default=None, sa_column=Column(JSONB))
    after: dict[str, Any] | None = Field(default=None, sa_column=Column(JSONB))
    reason: str | None = None
    request_id: str | None = None
