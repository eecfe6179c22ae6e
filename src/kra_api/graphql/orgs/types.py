"""GraphQL types of organizations and the org-unit tree."""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import uuid
from typing import TYPE_CHECKING, Annotated

import strawberry

from kra_api import models
from kra_api.graphql.core.context import Context, Info
from kra_api.graphql.core.ids import to_global_id
from kra_api.graphql.core.node import Node, register_node
from kra_api.graphql.core.pagination import Connection

if TYPE_CHECKING:
    from kra_api.graphql.catalog.types import KpiConnection
    from kra_api.graphql.evaluations.inputs import EvaluationFilter
    from kra_api.graphql.evaluations.types import EvaluationConnection
    from kra_api.graphql.goals.types import GoalConnection, GoalFilter
    from kra_api.graphql.people.types import (
        Employee,
        EmployeeConnection,
        EmployeeFilter,
        RoleConnection,
    )
    from kra_api.graphql.periods.types import PeriodConnection, PeriodFilter


@strawberry.enum(description="Level of an org unit in the tree.")
class OrgUnitKind(enum.Enum):
    SITE = "SITE"
    PROGRAM = "PROGRAM"
    TEAM = "TEAM"


@strawberry.enum(description="How several goal versions in one period combine (scoring.md §8).")
class RevisionMode(enum.Enum):
    PRORATE = "PRORATE"
    END_OF_PERIOD = "END_OF_PERIOD"


@strawberry.type(description="A rating band: the overall score from `minScore` up gets `level`.")
class RatingBand:
    level: int = strawberry.field(description="1 (lowest) upwards.")
    label: str = strawberry.field(description="What the band is called.")
    min_score: decimal.Decimal = strawberry.field(description="Inclusive lower bound.")


@strawberry.type(description="The organization's scoring settings (scoring.md defaults).")
class ScoringSettings:
    threshold_score: decimal.Decimal = strawberry.field(description="Score at the threshold.")
    target_score: decimal.Decimal = strawberry.field(description="Score at the target.")
    stretch_score: decimal.Decimal = strawberry.field(description="Score at the stretch.")
    kra_coverage_minimum: decimal.Decimal = strawberry.field(
        description="Scored weight share below which a KRA is NOT_RATED."
    )
    overall_coverage_minimum: decimal.Decimal = strawberry.field(
        description="Rated weight share below which the overall is NOT_RATED."
    )
    gate_cap: decimal.Decimal = strawberry.field(description="Overall cap when a gate fails.")
    revision_mode: RevisionMode = strawberry.field(description="Goal versions in a period.")
    grace_days: int = strawberry.field(description="Days a period stays PROVISIONAL.")
    bands: list[RatingBand] = strawberry.field(description="Rating bands, ascending.")

    @classmethod
    def of(cls, org: models.Organization) -> ScoringSettings:
        """The settings of an organization row."""
        return cls(
            threshold_score=org.threshold_score,
            target_score=org.target_score,
            stretch_score=org.stretch_score,
            kra_coverage_minimum=org.kra_coverage_minimum,
            overall_coverage_minimum=org.overall_coverage_minimum,
            gate_cap=org.gate_cap,
            revision_mode=RevisionMode(org.revision_mode),
            grace_days=org.grace_days,
            bands=[
                RatingBand(
                    level=b["level"], label=b["label"], min_score=decimal.Decimal(b["min_score"])
                )
                for b in org.bands
            ],
        )


@strawberry.type(description="A site, client program or team.")
class OrgUnit(Node):
    row: strawberry.Private[models.OrgUnit]
    name: str = strawberry.field(description="Display name.")
    kind: OrgUnitKind = strawberry.field(description="SITE, PROGRAM or TEAM.")
    external_id: str | None = strawberry.field(description="Id in the HRIS / WFM, if any.")

    @classmethod
    def of(cls, row: models.OrgUnit) -> OrgUnit:
        """Wrap a row."""
        return cls(
            id=to_global_id("OrgUnit", row.id),
            row=row,
            name=row.name,
            kind=OrgUnitKind(row.kind),
            external_id=row.external_id,
        )

    @strawberry.field(description="The unit above this one (null for a root).")
    async def parent(self, info: Info) -> OrgUnit | None:
        if self.row.parent_id is None:
            return None
        row = await info.context.loaders.org_unit.load(self.row.parent_id)
        return OrgUnit.of(row) if row else None

    @strawberry.field(description="Units directly below, by name.")
    async def children(self, info: Info) -> list[OrgUnit]:
        return [OrgUnit.of(r) for r in await info.context.loaders.children.load(self.row.id)]

    @strawberry.field(description="Who leads the unit on a date (default today); effective-dated.")
    async def leader(
        self, info: Info, at: dt.date | None = None
    ) -> Annotated[Employee, strawberry.lazy("kra_api.graphql.people.types")] | None:
        from kra_api.graphql.people.types import Employee

        day = at or await info.context.today()
        employee_id = await info.context.loaders.leader_at.load((self.row.id, day))
        if employee_id is None:
            return None
        row = await info.context.loaders.employee.load(employee_id)
        return Employee.of(row) if row else None


@strawberry.type(description="Org units, keyset-paginated.")
class OrgUnitConnection(Connection[OrgUnit]):
    pass


async def _load_unit(ctx: Context, unit_id: uuid.UUID) -> OrgUnit | None:
    row = await ctx.loaders.org_unit.load(unit_id)
    return OrgUnit.of(row) if row else None


register_node("OrgUnit", _load_unit)


@strawberry.type(description="The caller's organization (tenant).")
class Organization(Node):
    row: strawberry.Private[models.Organization]
    name: str = strawberry.field(description="Display name.")
    slug: str = strawberry.field(description="Short unique name.")
    timezone: str = strawberry.field(description="IANA time zone: every date is a date here.")

    @classmethod
    def of(cls, row: models.Organization) -> Organization:
        """Wrap a row."""
        return cls(
            id=to_global_id("Organization", row.id),
            row=row,
            name=row.name,
            slug=row.slug,
            timezone=row.timezone,
        )

    @strawberry.field(description="Scoring settings, defaults filled in.")
    def settings(self) -> ScoringSettings:
        return ScoringSettings.of(self.row)

    @strawberry.field(description="Every org unit, sorted by name then id.")
    async def org_units(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> OrgUnitConnection:
        from kra_api.graphql.orgs.queries import org_units_page

        return OrgUnitConnection.of(await org_units_page(info.context, first, after), OrgUnit.of)

    @strawberry.field(description="Employees sorted by name, id.")
    async def employees(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        filter: Annotated[EmployeeFilter, strawberry.lazy("kra_api.graphql.people.types")]
        | None = None,
    ) -> Annotated[EmployeeConnection, strawberry.lazy("kra_api.graphql.people.types")]:
        from kra_api.graphql.people.queries import employees_connection

        return await employees_connection(info.context, first, after, filter)

    @strawberry.field(description="Roles sorted by code, id.")
    async def roles(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Annotated[RoleConnection, strawberry.lazy("kra_api.graphql.people.types")]:
        from kra_api.graphql.people.queries import roles_connection

        return await roles_connection(info.context, first, after)

    @strawberry.field(description="KPI definitions sorted by code, id.")
    async def kpis(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Annotated[KpiConnection, strawberry.lazy("kra_api.graphql.catalog.types")]:
        from kra_api.graphql.catalog.queries import kpis_connection

        return await kpis_connection(info.context, first, after)

    @strawberry.field(description="Evaluation periods, newest first (start date, id descending).")
    async def periods(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        filter: Annotated[PeriodFilter, strawberry.lazy("kra_api.graphql.periods.types")]
        | None = None,
    ) -> Annotated[PeriodConnection, strawberry.lazy("kra_api.graphql.periods.types")]:
        from kra_api.graphql.periods.queries import periods_connection

        return await periods_connection(info.context, first, after, filter)

    @strawberry.field(description="Goal versions, newest effective date first (then id).")
    async def goals(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        filter: Annotated[GoalFilter, strawberry.lazy("kra_api.graphql.goals.types")] | None = None,
    ) -> Annotated[GoalConnection, strawberry.lazy("kra_api.graphql.goals.types")]:
        from kra_api.graphql.goals.queries import goals_connection

        return await goals_connection(info.context, first, after, filter)

    @strawberry.field(
        description="Evaluations the caller may read, newest first (created, id descending)."
    )
    async def evaluations(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        filter: Annotated[EvaluationFilter, strawberry.lazy("kra_api.graphql.evaluations.inputs")]
        | None = None,
    ) -> Annotated[EvaluationConnection, strawberry.lazy("kra_api.graphql.evaluations.types")]:
        from kra_api.graphql.evaluations.queries import evaluations_connection

        return await evaluations_connection(info.context, first, after, filter)


async def _load_org(ctx: Context, org_id: uuid.UUID) -> Organization | None:
    if org_id != ctx.organization_id:
        return None
    return Organization.of(await ctx.organization())


register_node("Organization", _load_org)
