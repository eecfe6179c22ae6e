"""Credentials: API keys (hashed) and the narrow pre-tenant lookup table."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Column, Text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlmodel import Field, SQLModel

from kra_api.models.base import TenantRow, timestamp_column


class TenantLookup(SQLModel, table=True):
    """The one non-tenant table: resolves a slug or an API-key hash to its organization.

    It exists because those lookups happen before the tenant is known (architecture.md §3).
    """

    __tablename__ = "tenant_lookup"

    kind: str = Field(primary_key=True)  # 'slug' | 'api_key'
    key: str = Field(primary_key=True)
    organization_id: uuid.UUID = Field(foreign_key="organization.id")


class ApiKey(TenantRow, table=True):
    """An integration credential: only its SHA-256 is stored; scoped and revocable."""

    __tablename__ = "api_key"

    name: str
    prefix: str
    secret_hash: str = Field(unique=True)
    scopes: list[str] = Field(sa_column=Column(ARRAY(Text), nullable=False))
    created_at: datetime = timestamp_column()
    revoked_at: datetime | None = timestamp_column(nullable=True)
