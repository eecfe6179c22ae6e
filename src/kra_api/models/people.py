"""Employees, their per-source identities, roles and effective-dated assignments."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Index, UniqueConstraint

from kra_api.models.base import TenantRow, tenant_fk, timestamp_column


class Employee(TenantRow, table=True):
    """A person, identified by the HRIS external id (unique per organization)."""

    __table_args__ = (
        UniqueConstraint("organization_id", "external_id"),
        tenant_fk("manager_id", "employee"),
        Index("ix_employee_name", "organization_id", "name", "id"),
    )

    external_id: str
    name: str
    email: str | None = None
    manager_id: uuid.UUID | None = None
    terminated_on: date | None = None
    created_at: datetime = timestamp_column()
    updated_at: datetime = timestamp_column()


class EmployeeIdentity(TenantRow, table=True):
    """The id a source system (WFM, ACD, QA, CRM) uses for an employee."""

    __tablename__ = "employee_identity"
    __table_args__ = (
        tenant_fk("employee_id", "employee", ondelete="CASCADE"),
        UniqueConstraint("organization_id", "source", "external_id"),
        Index("ix_employee_identity_employee", "organization_id", "employee_id"),
    )

    employee_id: uuid.UUID
    source: str
    external_id: str


class Role(TenantRow, table=True):
    """A job role (agent, team leader, ...); its KRA sets arrive with the KRA issue."""

    __table_args__ = (UniqueConstraint("organization_id", "code"),)

    code: str
    name: str
    created_at: datetime = timestamp_column()


class Assignment(TenantRow, table=True):
    """An employee's role and org unit from a date to a date (exclusive, or open)."""

    __table_args__ = (
        tenant_fk("employee_id", "employee"),
        tenant_fk("role_id", "role"),
        tenant_fk("org_unit_id", "org_unit"),
        CheckConstraint(
            "effective_to IS NULL OR effective_to > effective_from", name="assignment_dates"
        ),
        Index("ix_assignment_employee", "organization_id", "employee_id", "effective_from"),
        Index("ix_assignment_unit", "organization_id", "org_unit_id"),
    )

    employee_id: uuid.UUID
    role_id: uuid.UUID
    org_unit_id: uuid.UUID
    effective_from: date
    effective_to: date | None = None
    created_at: datetime = timestamp_column()
