"""GraphQL types of employees, roles, assignments and identities."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import TYPE_CHECKING, Annotated

import strawberry

from kra_api import models
from kra_api.graphql.core.context import Context, Info
from kra_api.graphql.core.ids import to_global_id
from kra_api.graphql.core.node import Node, register_node
from kra_api.graphql.core.pagination import Connection
from kra_api.graphql.orgs.types import OrgUnit
from kra_api.people.visibility import reviewers_of

if TYPE_CHECKING:
    from kra_api.graphql.evaluations.types import EvaluationConnection
    from kra_api.graphql.kras.types import KraSet


@strawberry.type(description="A job role; it owns versioned KRA sets.")
class Role(Node):
    row: strawberry.Private[models.Role]
    code: str = strawberry.field(description="Unique upper-case code, e.g. AGENT.")
    name: str = strawberry.field(description="Display name.")

    @classmethod
    def of(cls, row: models.Role) -> Role:
        """Wrap a row."""
        return cls(id=to_global_id("Role", row.id), row=row, code=row.code, name=row.name)

    @strawberry.field(description="The published KRA set in force on a date (default today).")
    async def kra_set(
        self, info: Info, at: dt.date | None = None
    ) -> Annotated[KraSet, strawberry.lazy("kra_api.graphql.kras.types")] | None:
        from kra_api.graphql.kras.types import KraSet

        day = at or await info.context.today()
        row = await info.context.loaders.kras.set_at.load((self.row.id, day))
        return KraSet.of(row) if row else None

    @strawberry.field(description="Every KRA set version, newest first, the draft included.")
    async def kra_sets(
        self, info: Info
    ) -> list[Annotated[KraSet, strawberry.lazy("kra_api.graphql.kras.types")]]:
        from kra_api.graphql.kras.types import KraSet

        return [
            KraSet.of(r) for r in await info.context.loaders.kras.sets_of_role.load(self.row.id)
        ]


@strawberry.type(description="The id a source system uses for an employee.")
class ExternalIdentity:
    source: str = strawberry.field(description="The source system, e.g. wfm, acd, qa, crm.")
    external_id: str = strawberry.field(description="The employee's id in that source.")


@strawberry.type(description="An employee's role and org unit over a date range.")
class Assignment(Node):
    row: strawberry.Private[models.Assignment]
    effective_from: dt.date = strawberry.field(description="First day (inclusive).")
    effective_to: dt.date | None = strawberry.field(description="End (exclusive), or open.")

    @classmethod
    def of(cls, row: models.Assignment) -> Assignment:
        """Wrap a row."""
        return cls(
            id=to_global_id("Assignment", row.id),
            row=row,
            effective_from=row.effective_from,
            effective_to=row.effective_to,
        )

    @strawberry.field(description="The role held.")
    async def role(self, info: Info) -> Role:
        row = await info.context.loaders.role.load(self.row.role_id)
        assert row is not None  # a composite foreign key guarantees it
        return Role.of(row)

    @strawberry.field(description="The org unit belonged to.")
    async def org_unit(self, info: Info) -> OrgUnit:
        row = await info.context.loaders.org_unit.load(self.row.org_unit_id)
        assert row is not None
        return OrgUnit.of(row)


async def _reviewers(ctx: Context, keys: list[tuple[uuid.UUID, dt.date]]) -> list[uuid.UUID | None]:
    async with ctx.db.read() as s:
        found = await reviewers_of(s, ctx.organization_id, keys)
    return [found[k] for k in keys]


@strawberry.type(description="A person, identified by the HRIS external id.")
class Employee(Node):
    row: strawberry.Private[models.Employee]
    external_id: str = strawberry.field(description="HRIS id, unique in the organization.")
    name: str = strawberry.field(description="Full name.")
    email: str | None = strawberry.field(description="Work email.")
    terminated_on: dt.date | None = strawberry.field(description="Last day, if terminated.")

    @classmethod
    def of(cls, row: models.Employee) -> Employee:
        """Wrap a row."""
        return cls(
            id=to_global_id("Employee", row.id),
            row=row,
            external_id=row.external_id,
            name=row.name,
            email=row.email,
            terminated_on=row.terminated_on,
        )

    async def _assignment(self, info: Info, at: dt.date | None) -> models.Assignment | None:
        day = at or await info.context.today()
        return await info.context.loaders.assignment_at.load((self.row.id, day))

    @strawberry.field(description="Role held on a date (default today).")
    async def role(self, info: Info, at: dt.date | None = None) -> Role | None:
        assignment = await self._assignment(info, at)
        if assignment is None:
            return None
        row = await info.context.loaders.role.load(assignment.role_id)
        return Role.of(row) if row else None

    @strawberry.field(description="Org unit belonged to on a date (default today).")
    async def org_unit(self, info: Info, at: dt.date | None = None) -> OrgUnit | None:
        assignment = await self._assignment(info, at)
        if assignment is None:
            return None
        row = await info.context.loaders.org_unit.load(assignment.org_unit_id)
        return OrgUnit.of(row) if row else None

    @strawberry.field(
        description="Informational manager from the HRIS; authority comes from unit leadership."
    )
    async def manager(self, info: Info) -> Employee | None:
        if self.row.manager_id is None:
            return None
        row = await info.context.loaders.employee.load(self.row.manager_id)
        return Employee.of(row) if row else None

    @strawberry.field(
        description="Who reviews this employee on a date (default today): the leader of their "
        "unit, or of the nearest unit above with a leader other than the employee."
    )
    async def reviewer(self, info: Info, at: dt.date | None = None) -> Employee | None:
        day = at or await info.context.today()
        reviewer_id = await info.context.loader("reviewer_at", _reviewers).load((self.row.id, day))
        if reviewer_id is None:
            return None
        row = await info.context.loaders.employee.load(reviewer_id)
        return Employee.of(row) if row else None

    @strawberry.field(description="Every assignment, oldest first.")
    async def assignments(self, info: Info) -> list[Assignment]:
        return [Assignment.of(a) for a in await info.context.loaders.assignments.load(self.row.id)]

    @strawberry.field(description="Ids of this employee in source systems.")
    async def identities(self, info: Info) -> list[ExternalIdentity]:
        rows = await info.context.loaders.identities.load(self.row.id)
        return [ExternalIdentity(source=r.source, external_id=r.external_id) for r in rows]

    @strawberry.field(description="This employee's evaluations the caller may read, newest first.")
    async def evaluations(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Annotated[EvaluationConnection, strawberry.lazy("kra_api.graphql.evaluations.types")]:
        from kra_api.graphql.evaluations.queries import evaluations_connection

        return await evaluations_connection(info.context, first, after, None, self.row.id)


@strawberry.input(description="Narrow the employee list (assignments in force today).")
class EmployeeFilter:
    org_unit_id: strawberry.ID | None = strawberry.field(
        default=None, description="Employees of this unit or any unit below it."
    )
    role_id: strawberry.ID | None = strawberry.field(default=None, description="Holding this role.")
    search: str | None = strawberry.field(
        default=None, description="Case-insensitive match on name or external id."
    )


@strawberry.type(description="Employees, keyset-paginated.")
class EmployeeConnection(Connection[Employee]):
    pass


@strawberry.type(description="Roles, keyset-paginated.")
class RoleConnection(Connection[Role]):
    pass


async def _load_employee(ctx: Context, row_id: uuid.UUID) -> Employee | None:
    row = await ctx.loaders.employee.load(row_id)
    return Employee.of(row) if row else None


async def _load_role(ctx: Context, row_id: uuid.UUID) -> Role | None:
    row = await ctx.loaders.role.load(row_id)
    return Role.of(row) if row else None


async def _load_assignment(ctx: Context, row_id: uuid.UUID) -> Assignment | None:
    async with ctx.db.read() as s:
        row = await s.get(models.Assignment, (ctx.organization_id, row_id))
    return Assignment.of(row) if row else None


register_node("Employee", _load_employee)
register_node("Role", _load_role)
register_node("Assignment", _load_assignment)
