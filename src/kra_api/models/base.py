"""Column helpers shared by the tables."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Column, DateTime, ForeignKeyConstraint
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    """The current instant in UTC."""
    return datetime.now(UTC)


def timestamp_column(*, nullable: bool = False) -> Any:
    """A timestamptz column (instants are stored in UTC)."""
    return Field(
        default_factory=utcnow if not nullable else None,
        sa_column=Column(DateTime(timezone=True), nullable=nullable),
    )


class TenantRow(SQLModel):
    """Tenant tables lead their primary key with ``organization_id`` (RLS, Citus-ready)."""

    organization_id: uuid.UUID = Field(primary_key=True, foreign_key="organization.id")
    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)


def tenant_fk(columns: str | list[str], table: str, *, ondelete: str | None = None) -> Any:
    """A composite foreign key ``(organization_id, col)`` → ``table(organization_id, id)``."""
    cols = [columns] if isinstance(columns, str) else columns
    return ForeignKeyConstraint(
        ["organization_id", *cols],
        [f"{table}.organization_id", f"{table}.id"],
        ondelete=ondelete,
    )
