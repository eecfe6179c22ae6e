"""The transactional outbox: events written with the change that caused them, delivered later."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Column, Index, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field

from kra_api.models.base import TenantRow, timestamp_column


class OutboxEvent(TenantRow, table=True):
    """One event to deliver (webhooks, subscriptions); ``delivered_at`` is set once sent."""

    __tablename__ = "outbox"
    __table_args__ = (
        Index(
            "ix_outbox_pending",
            "organization_id",
            "created_at",
            "id",
            postgresql_where=text("delivered_at IS NULL"),
        ),
    )

    event_type: str
    entity_type: str
    entity_id: uuid.UUID
    payload: dict[str, Any] = Field(sa_column=Column(JSONB, nullable=False))
    created_at: datetime = timestamp_column()
    delivered_at: datetime | None = timestamp_column(nullable=True)
