"""Who is calling: a user (JWT) or an integration (API key), always inside one organization."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from enum import StrEnum


class UserRole(StrEnum):
    """Roles a user token may carry."""

    ADMIN = "admin"
    HR = "hr"
    MANAGER = "manager"
    EMPLOYEE = "employee"


class Scope(StrEnum):
    """Scopes an API key may hold."""

    READINGS_WRITE = "readings:write"
    PEOPLE_WRITE = "people:write"
    DEFINITIONS_WRITE = "definitions:write"
    SCORECARDS_READ = "scorecards:read"


@dataclass(frozen=True)
class Principal:
    """The authenticated caller. ``organization_id`` comes from the credential, never the query."""

    organization_id: uuid.UUID
    kind: str  # "USER" | "INTEGRATION" | "SYSTEM"
    label: str
    roles: frozenset[UserRole] = frozenset()
    scopes: frozenset[Scope] = frozenset()
    employee_external_id: str | None = None
    api_key_id: uuid.UUID | None = None
    request_id: str | None = field(default=None, compare=False)

    @property
    def is_integration(self) -> bool:
        """True for API-key callers."""
        return self.kind == "INTEGRATION"

    def has_role(self, *roles: UserRole) -> bool:
        """True when the user holds any of ``roles``."""
        return any(role in self.roles for role in roles)

    def has_scope(self, scope: Scope) -> bool:
        """True when the integration holds ``scope``."""
        return scope in self.scopes

    @property
    def is_hr_or_admin(self) -> bool:
        """True for hr and admin users."""
        return self.has_role(UserRole.ADMIN, UserRole.HR)


def system_principal(organization_id: uuid.UUID, label: str = "kra-api") -> Principal:
    """A principal for work the service does by itself (CLI bootstrap, demo seeding)."""
    return Principal(
        organization_id=organization_id,
        kind="SYSTEM",
        label=label,
        roles=frozenset({UserRole.ADMIN}),
    )
