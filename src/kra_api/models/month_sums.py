"""Month sums of readings for large scoring runs, their build state, and the readings change log
that tells when a month's sums are stale (migration 20261127)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ARRAY, BigInteger, Column, Numeric, Text
from sqlmodel import Field, SQLModel

from kra_api.models.base import timestamp_column


class KpiReadingChange(SQLModel, table=True):
    """A transaction that changed readings of a UTC month (one row per transaction and month),
    with the earliest and latest reading start it changed there."""

    __tablename__ = "kpi_reading_change"

    organization_id: uuid.UUID = Field(primary_key=True, foreign_key="organization.id")
    month: date = Field(primary_key=True)
    xact: int = Field(sa_column=Column(BigInteger, primary_key=True))
    changed_at: datetime = timestamp_column()
    first_at: datetime = timestamp_column()
    last_at: datetime = timestamp_column()


class KpiMonthSumState(SQLModel, table=True):
    """When and under which snapshot and time zone a month's sums were built, and the instant
    they stop at (readings from ``cut`` on are aggregated by each run)."""

    __tablename__ = "kpi_month_sum_state"

    organization_id: uuid.UUID = Field(primary_key=True, foreign_key="organization.id")
    month: date = Field(primary_key=True)
    zone: str
    snapshot: str
    built_at: datetime = timestamp_column()
    sums: int
    cut: datetime = timestamp_column()


class KpiMonthSum(SQLModel, table=True):
    """Component sums of a subject's readings of a KPI over a month of the organization."""

    __tablename__ = "kpi_month_sum"

    organization_id: uuid.UUID = Field(primary_key=True)
    month: date = Field(primary_key=True)
    subject_id: uuid.UUID = Field(primary_key=True)
    kpi_id: uuid.UUID = Field(primary_key=True)
    names: list[str] = Field(sa_column=Column(ARRAY(Text), nullable=False))
    totals: list[Decimal] = Field(sa_column=Column(ARRAY(Numeric), nullable=False))
