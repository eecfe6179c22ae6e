"""Mutations on the org-unit tree: create, update (rename / re-parent), leader assignment."""

from __future__ import annotations

import datetime as dt
import enum

import strawberry

from kra_api.errors import Invalid
from kra_api.graphql.core.context import Info
from kra_api.graphql.core.ids import expect_id, optional_id
from kra_api.graphql.core.mutations import UserError, perform, user_errors
from kra_api.graphql.core.permissions import CanWritePeople
from kra_api.graphql.orgs.types import OrgUnit, OrgUnitKind
from kra_api.orgs import service


@strawberry.enum(description="Why orgUnitCreate refused its input.")
class OrgUnitCreateErrorCode(enum.Enum):
    NOT_FOUND = "NOT_FOUND"
    INVALID = "INVALID"
    DUPLICATE_EXTERNAL_ID = "DUPLICATE_EXTERNAL_ID"


@strawberry.type(description="A failure of orgUnitCreate.")
class OrgUnitCreateError(UserError):
    code: OrgUnitCreateErrorCode = strawberry.field(description="Machine-readable reason.")


@strawberry.input(description="A new org unit.")
class OrgUnitCreateInput:
    name: str = strawberry.field(description="Display name (1-200 characters).")
    kind: OrgUnitKind = strawberry.field(description="SITE, PROGRAM or TEAM.")
    parent_id: strawberry.ID | None = strawberry.field(default=None, description="Parent unit.")
    external_id: str | None = strawberry.field(default=None, description="HRIS / WFM id.")
    leader_id: strawberry.ID | None = strawberry.field(
        default=None, description="Employee leading the unit from today."
    )


@strawberry.type(description="Result of orgUnitCreate.")
class OrgUnitCreatePayload:
    org_unit: OrgUnit | None = strawberry.field(description="The new unit.")
    user_errors: list[OrgUnitCreateError] = strawberry.field(description="Why nothing was written.")


@strawberry.enum(description="Why orgUnitUpdate refused its input.")
class OrgUnitUpdateErrorCode(enum.Enum):
    NOT_FOUND = "NOT_FOUND"
    INVALID = "INVALID"
    CYCLE = "CYCLE"


@strawberry.type(description="A failure of orgUnitUpdate.")
class OrgUnitUpdateError(UserError):
    code: OrgUnitUpdateErrorCode = strawberry.field(description="Machine-readable reason.")


@strawberry.input(description="Rename and/or move a unit (parentId null: make it a root).")
class OrgUnitUpdateInput:
    org_unit_id: strawberry.ID = strawberry.field(description="The unit to change.")
    name: str | None = strawberry.field(default=None, description="New name.")
    parent_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description="New parent; omit to keep, null for a root."
    )


@strawberry.type(description="Result of orgUnitUpdate.")
class OrgUnitUpdatePayload:
    org_unit: OrgUnit | None = strawberry.field(description="The unit as now.")
    user_errors: list[OrgUnitUpdateError] = strawberry.field(description="Why nothing was written.")


@strawberry.enum(description="Why orgUnitLeaderAssign refused its input.")
class OrgUnitLeaderAssignErrorCode(enum.Enum):
    NOT_FOUND = "NOT_FOUND"
    INVALID = "INVALID"
    OVERLAP = "OVERLAP"


@strawberry.type(description="A failure of orgUnitLeaderAssign.")
class OrgUnitLeaderAssignError(UserError):
    code: OrgUnitLeaderAssignErrorCode = strawberry.field(description="Machine-readable reason.")


@strawberry.input(description="Who leads a unit from a date (employeeId null: nobody).")
class OrgUnitLeaderAssignInput:
    org_unit_id: strawberry.ID = strawberry.field(description="The unit.")
    employee_id: strawberry.ID | None = strawberry.field(default=None, description="The leader.")
    effective_from: dt.date = strawberry.field(description="First day of the new leadership.")


@strawberry.type(description="Result of orgUnitLeaderAssign.")
class OrgUnitLeaderAssignPayload:
    org_unit: OrgUnit | None = strawberry.field(description="The unit.")
    user_errors: list[OrgUnitLeaderAssignError] = strawberry.field(
        description="Why nothing was written."
    )


@strawberry.type
class OrgUnitMutations:
    @strawberry.mutation(permission_classes=[CanWritePeople], description="Create an org unit.")
    async def org_unit_create(
        self,
        info: Info,
        input: OrgUnitCreateInput,
    ) -> OrgUnitCreatePayload:
        ctx = info.context
        today = await ctx.today()
        result = await perform(
            ctx,
            lambda s, p: service.create_unit(
                s,
                p,
                name=input.name,
                kind=input.kind.value,
                parent_id=optional_id(input.parent_id, "OrgUnit"),
                external_id=input.external_id,
                leader_id=optional_id(input.leader_id, "Employee"),
                today=today,
            ),
        )
        if isinstance(result, Invalid):
            errors = user_errors(result, OrgUnitCreateError, OrgUnitCreateErrorCode)
            return OrgUnitCreatePayload(org_unit=None, user_errors=errors)
        return OrgUnitCreatePayload(org_unit=OrgUnit.of(result), user_errors=[])

    @strawberry.mutation(
        permission_classes=[CanWritePeople], description="Rename or re-parent an org unit."
    )
    async def org_unit_update(
        self,
        info: Info,
        input: OrgUnitUpdateInput,
    ) -> OrgUnitUpdatePayload:
        parent_given = input.parent_id is not strawberry.UNSET
        result = await perform(
            info.context,
            lambda s, p: service.update_unit(
                s,
                p,
                unit_id=expect_id(input.org_unit_id, "OrgUnit"),
                name=input.name,
                parent_id=optional_id(input.parent_id, "OrgUnit") if parent_given else None,
                parent_given=parent_given,
            ),
        )
        if isinstance(result, Invalid):
            errors = user_errors(result, OrgUnitUpdateError, OrgUnitUpdateErrorCode)
            return OrgUnitUpdatePayload(org_unit=None, user_errors=errors)
        return OrgUnitUpdatePayload(org_unit=OrgUnit.of(result), user_errors=[])

    @strawberry.mutation(
        permission_classes=[CanWritePeople],
        description="Set who leads a unit from a date; the leadership in force ends that day.",
    )
    async def org_unit_leader_assign(
        self,
        info: Info,
        input: OrgUnitLeaderAssignInput,
    ) -> OrgUnitLeaderAssignPayload:
        result = await perform(
            info.context,
            lambda s, p: service.assign_leader(
                s,
                p,
                unit_id=expect_id(input.org_unit_id, "OrgUnit"),
                employee_id=optional_id(input.employee_id, "Employee"),
                effective_from=input.effective_from,
            ),
        )
        if isinstance(result, Invalid):
            errors = user_errors(result, OrgUnitLeaderAssignError, OrgUnitLeaderAssignErrorCode)
            return OrgUnitLeaderAssignPayload(org_unit=None, user_errors=errors)
        return OrgUnitLeaderAssignPayload(org_unit=OrgUnit.of(result), user_errors=[])
