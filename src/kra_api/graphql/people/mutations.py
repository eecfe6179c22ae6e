"""Mutations on people: HRIS upsert, assignments, roles."""

from __future__ import annotations

import datetime as dt
import enum

import strawberry

from kra_api.errors import Invalid
from kra_api.graphql.core.context import Info
from kra_api.graphql.core.ids import expect_id
from kra_api.graphql.core.mutations import UserError, perform, user_errors
from kra_api.graphql.core.permissions import CanWriteDefinitions, CanWritePeople
from kra_api.graphql.people.types import Assignment, Employee, Role
from kra_api.people import service
from kra_api.people.service import EmployeeIn, IdentityIn


@strawberry.enum(description="Why employeesUpsert refused its input.")
class EmployeesUpsertErrorCode(enum.Enum):
    INVALID = "INVALID"
    TOO_MANY = "TOO_MANY"
    NOT_FOUND = "NOT_FOUND"
    DUPLICATE_IDENTITY = "DUPLICATE_IDENTITY"


@strawberry.type(description="A failure of employeesUpsert (the path names the row index).")
class EmployeesUpsertError(UserError):
    code: EmployeesUpsertErrorCode = strawberry.field(description="Machine-readable reason.")


@strawberry.input(description="A source system's id for the employee.")
class ExternalIdentityInput:
    source: str = strawberry.field(description="wfm, acd, qa, crm, ...")
    external_id: str = strawberry.field(description="The employee's id there.")


@strawberry.input(description="One employee as the HRIS knows them.")
class EmployeeUpsertInput:
    external_id: str = strawberry.field(description="HRIS id (the upsert key).")
    name: str = strawberry.field(description="Full name.")
    email: str | None = strawberry.field(default=None, description="Work email.")
    manager_external_id: str | None = strawberry.field(
        default=None, description="Informational manager's externalId (may be in this batch)."
    )
    terminated_on: dt.date | None = strawberry.field(default=None, description="Last day.")
    identities: list[ExternalIdentityInput] | None = strawberry.field(
        default=None, description="Ids in source systems; added when new."
    )


@strawberry.input(description="An HRIS sync batch: at most 100 employees; all or nothing.")
class EmployeesUpsertInput:
    employees: list[EmployeeUpsertInput] = strawberry.field(description="At most 100.")


@strawberry.type(description="Result of employeesUpsert.")
class EmployeesUpsertPayload:
    inserted: int = strawberry.field(description="New employees.")
    updated: int = strawberry.field(description="Employees whose data changed.")
    unchanged: int = strawberry.field(description="Employees already as sent.")
    readings_applied: int = strawberry.field(
        description="Quarantined readings of these ids (or identities) applied now."
    )
    employees: list[Employee] = strawberry.field(description="Every employee of the batch.")
    user_errors: list[EmployeesUpsertError] = strawberry.field(
        description="Why nothing was written."
    )


@strawberry.enum(description="Why employeeAssign refused its input.")
class EmployeeAssignErrorCode(enum.Enum):
    NOT_FOUND = "NOT_FOUND"
    INVALID = "INVALID"
    OVERLAP = "OVERLAP"
    PERIOD_FINAL = "PERIOD_FINAL"


@strawberry.type(description="A failure of employeeAssign.")
class EmployeeAssignError(UserError):
    code: EmployeeAssignErrorCode = strawberry.field(description="Machine-readable reason.")


@strawberry.input(description="Role and unit from a date (to a date, exclusive, or open).")
class EmployeeAssignInput:
    employee_id: strawberry.ID = strawberry.field(description="The employee.")
    role_id: strawberry.ID = strawberry.field(description="The role.")
    org_unit_id: strawberry.ID = strawberry.field(description="The unit.")
    effective_from: dt.date = strawberry.field(description="First day.")
    effective_to: dt.date | None = strawberry.field(default=None, description="End, exclusive.")


@strawberry.type(description="Result of employeeAssign.")
class EmployeeAssignPayload:
    assignment: Assignment | None = strawberry.field(description="The new assignment.")
    employee: Employee | None = strawberry.field(description="The employee.")
    user_errors: list[EmployeeAssignError] = strawberry.field(description="Why nothing changed.")


@strawberry.enum(description="Why roleCreate refused its input.")
class RoleCreateErrorCode(enum.Enum):
    INVALID = "INVALID"
    DUPLICATE = "DUPLICATE"


@strawberry.type(description="A failure of roleCreate.")
class RoleCreateError(UserError):
    code: RoleCreateErrorCode = strawberry.field(description="Machine-readable reason.")


@strawberry.input(description="A new role.")
class RoleCreateInput:
    code: str = strawberry.field(description="Upper-case code, unique, e.g. AGENT.")
    name: str = strawberry.field(description="Display name.")


@strawberry.type(description="Result of roleCreate.")
class RoleCreatePayload:
    role: Role | None = strawberry.field(description="The new role.")
    user_errors: list[RoleCreateError] = strawberry.field(description="Why nothing was written.")


def _rows(batch: EmployeesUpsertInput) -> list[EmployeeIn]:
    return [
        EmployeeIn(
            external_id=e.external_id,
            name=e.name,
            email=e.email,
            manager_external_id=e.manager_external_id,
            terminated_on=e.terminated_on,
            identities=[IdentityIn(i.source, i.external_id) for i in e.identities or []],
        )
        for e in batch.employees
    ]


@strawberry.type
class PeopleMutations:
    @strawberry.mutation(
        permission_classes=[CanWritePeople],
        description="HRIS sync by externalId: idempotent, at most 100 rows, all or nothing.",
    )
    async def employees_upsert(
        self,
        info: Info,
        input: EmployeesUpsertInput,
    ) -> EmployeesUpsertPayload:
        rows = _rows(input)
        result = await perform(info.context, lambda s, p: service.upsert_employees(s, p, rows))
        if isinstance(result, Invalid):
            errors = user_errors(result, EmployeesUpsertError, EmployeesUpsertErrorCode)
            return EmployeesUpsertPayload(
                inserted=0,
                updated=0,
                unchanged=0,
                readings_applied=0,
                employees=[],
                user_errors=errors,
            )
        return EmployeesUpsertPayload(
            inserted=result.inserted,
            updated=result.updated,
            unchanged=result.unchanged,
            readings_applied=result.readings_applied,
            employees=[Employee.of(e) for e in result.employees],
            user_errors=[],
        )

    @strawberry.mutation(
        permission_classes=[CanWritePeople],
        description="Assign role and unit from a date; the assignment in force ends that day.",
    )
    async def employee_assign(
        self,
        info: Info,
        input: EmployeeAssignInput,
    ) -> EmployeeAssignPayload:
        result = await perform(
            info.context,
            lambda s, p: service.assign(
                s,
                p,
                employee_id=expect_id(input.employee_id, "Employee"),
                role_id=expect_id(input.role_id, "Role"),
                org_unit_id=expect_id(input.org_unit_id, "OrgUnit"),
                effective_from=input.effective_from,
                effective_to=input.effective_to,
            ),
        )
        if isinstance(result, Invalid):
            errors = user_errors(result, EmployeeAssignError, EmployeeAssignErrorCode)
            return EmployeeAssignPayload(assignment=None, employee=None, user_errors=errors)
        employee = await info.context.loaders.employee.load(result.employee_id)
        return EmployeeAssignPayload(
            assignment=Assignment.of(result),
            employee=Employee.of(employee) if employee else None,
            user_errors=[],
        )

    @strawberry.mutation(permission_classes=[CanWriteDefinitions], description="Create a role.")
    async def role_create(
        self,
        info: Info,
        input: RoleCreateInput,
    ) -> RoleCreatePayload:
        result = await perform(
            info.context, lambda s, p: service.create_role(s, p, code=input.code, name=input.name)
        )
        if isinstance(result, Invalid):
            return RoleCreatePayload(
                role=None, user_errors=user_errors(result, RoleCreateError, RoleCreateErrorCode)
            )
        return RoleCreatePayload(role=Role.of(result), user_errors=[])
