"""The ``viewer`` root: who the caller is."""

from __future__ import annotations

import enum

import strawberry

from kra_api.graphql.core.context import Info
from kra_api.graphql.orgs.types import Organization
from kra_api.graphql.people.types import Employee


@strawberry.enum(description="What a caller acts as.")
class PrincipalRole(enum.Enum):
    ADMIN = "ADMIN"
    HR = "HR"
    MANAGER = "MANAGER"
    EMPLOYEE = "EMPLOYEE"
    INTEGRATION = "INTEGRATION"


@strawberry.type(description="The authenticated caller.")
class Viewer:
    roles: list[PrincipalRole] = strawberry.field(description="The caller's roles.")
    scopes: list[str] = strawberry.field(description="API-key scopes (integrations).")
    external_id: strawberry.Private[str | None]

    @strawberry.field(description="The caller's employee record (null for hr/admin without one).")
    async def employee(self, info: Info) -> Employee | None:
        if self.external_id is None:
            return None
        row = await info.context.loaders.employee_by_external_id.load(self.external_id)
        return Employee.of(row) if row else None

    @strawberry.field(description="The caller's organization.")
    async def organization(self, info: Info) -> Organization:
        return Organization.of(await info.context.organization())


def viewer_of(info: Info) -> Viewer:
    """The Viewer of the request's principal."""
    principal = info.context.require_principal()
    roles = [PrincipalRole[r.name] for r in sorted(principal.roles)]
    if principal.is_integration:
        roles = [PrincipalRole.INTEGRATION]
    return Viewer(
        roles=roles,
        scopes=sorted(s.value for s in principal.scopes),
        external_id=principal.employee_external_id,
    )
