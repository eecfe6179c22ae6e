"""GraphQL types of KRA sets, KRAs, KRA items and gates."""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import uuid

import strawberry

from kra_api import models
from kra_api.graphql.audit.types import Actor
from kra_api.graphql.catalog.types import Kpi
from kra_api.graphql.core.context import Context, Info
from kra_api.graphql.core.ids import to_global_id
from kra_api.graphql.core.node import Node, register_node
from kra_api.graphql.people.types import Role


@strawberry.enum(
    description="DRAFT (editable, at most one per role), PUBLISHED (immutable, in force from "
    "its effective date), SUPERSEDED (replaced before it ever took effect)."
)
class KraSetStatus(enum.Enum):
    DRAFT = "DRAFT"
    PUBLISHED = "PUBLISHED"
    SUPERSEDED = "SUPERSEDED"


@strawberry.enum(
    description="SELF: the subject's own readings; LED_UNITS: computed over the units the "
    "subject leads (their members and unit readings)."
)
class ItemScope(enum.Enum):
    SELF = "SELF"
    LED_UNITS = "LED_UNITS"


@strawberry.type(description="A gate passes when minimum <= value <= maximum.")
class Gate:
    minimum: decimal.Decimal | None = strawberry.field(description="Lowest passing value.")
    maximum: decimal.Decimal | None = strawberry.field(description="Highest passing value.")


@strawberry.type(description="A KPI under a KRA: weighted inside the KRA, or a gate.")
class KraItem(Node):
    row: strawberry.Private[models.KraItem]
    scope: ItemScope = strawberry.field(description="Whose readings count.")
    weight: decimal.Decimal | None = strawberry.field(
        description="Weight inside the KRA; null for a gate."
    )
    gate: Gate | None = strawberry.field(description="Null unless the item is a gate.")

    @classmethod
    def of(cls, row: models.KraItem) -> KraItem:
        """Wrap a row."""
        gate = None
        if row.is_gate:
            gate = Gate(minimum=row.gate_minimum, maximum=row.gate_maximum)
        return cls(
            id=to_global_id("KraItem", row.id),
            row=row,
            scope=ItemScope(row.scope),
            weight=row.weight,
            gate=gate,
        )

    @strawberry.field(description="The KRA the item belongs to.")
    async def kra(self, info: Info) -> Kra:
        row = await info.context.loaders.kras.kra.load(self.row.kra_id)
        assert row is not None  # a composite foreign key guarantees it
        return Kra.of(row)

    @strawberry.field(description="The KPI placed.")
    async def kpi(self, info: Info) -> Kpi:
        row = await info.context.loaders.kpi.load(self.row.kpi_id)
        assert row is not None
        return Kpi.of(row)


@strawberry.type(description="Key Result Area: a weighted area of responsibility in a KRA set.")
class Kra(Node):
    row: strawberry.Private[models.Kra]
    title: str = strawberry.field(description="Title, unique in its set.")
    description: str | None = strawberry.field(description="What the area covers.")
    objective: str | None = strawberry.field(description="What is expected.")
    weight: decimal.Decimal = strawberry.field(description="Weight in the set (sets total 100).")

    @classmethod
    def of(cls, row: models.Kra) -> Kra:
        """Wrap a row."""
        return cls(
            id=to_global_id("Kra", row.id),
            row=row,
            title=row.title,
            description=row.description,
            objective=row.objective,
            weight=row.weight,
        )

    @strawberry.field(description="The set the KRA belongs to.")
    async def kra_set(self, info: Info) -> KraSet:
        row = await info.context.loaders.kras.kra_set.load(self.row.kra_set_id)
        assert row is not None
        return KraSet.of(row)

    @strawberry.field(description="Its KPIs, in the order they were added.")
    async def items(self, info: Info) -> list[KraItem]:
        return [
            KraItem.of(r) for r in await info.context.loaders.kras.items_of_kra.load(self.row.id)
        ]


@strawberry.type(description="One version of a role's KRAs.")
class KraSet(Node):
    row: strawberry.Private[models.KraSet]
    version: int = strawberry.field(description="1, 2, ... per role.")
    status: KraSetStatus = strawberry.field(description="DRAFT, PUBLISHED or SUPERSEDED.")
    effective_from: dt.date | None = strawberry.field(
        description="First day in force (null for a draft)."
    )
    effective_to: dt.date | None = strawberry.field(
        description="End (exclusive) once a later version was published; null while open."
    )
    reason: str | None = strawberry.field(description="Why this version was published.")
    published_at: dt.datetime | None = strawberry.field(description="When it was published.")

    @classmethod
    def of(cls, row: models.KraSet) -> KraSet:
        """Wrap a row."""
        return cls(
            id=to_global_id("KraSet", row.id),
            row=row,
            version=row.version,
            status=KraSetStatus(row.status),
            effective_from=row.effective_from,
            effective_to=row.effective_to,
            reason=row.reason,
            published_at=row.published_at,
        )

    @strawberry.field(description="Who published it.")
    def published_by(self) -> Actor | None:
        r = self.row
        return Actor.of(r.published_by_kind, r.published_by_label, r.published_by_employee_id)

    @strawberry.field(description="The role whose KRAs these are.")
    async def role(self, info: Info) -> Role:
        row = await info.context.loaders.role.load(self.row.role_id)
        assert row is not None
        return Role.of(row)

    @strawberry.field(description="Its KRAs, in the order they were added.")
    async def kras(self, info: Info) -> list[Kra]:
        return [Kra.of(r) for r in await info.context.loaders.kras.kras_of_set.load(self.row.id)]


async def _load_set(ctx: Context, row_id: uuid.UUID) -> KraSet | None:
    row = await ctx.loaders.kras.kra_set.load(row_id)
    return KraSet.of(row) if row else None


async def _load_kra(ctx: Context, row_id: uuid.UUID) -> Kra | None:
    row = await ctx.loaders.kras.kra.load(row_id)
    return Kra.of(row) if row else None


async def _load_item(ctx: Context, row_id: uuid.UUID) -> KraItem | None:
    row = await ctx.loaders.kras.item.load(row_id)
    return KraItem.of(row) if row else None


register_node("KraSet", _load_set)
register_node("Kra", _load_kra)
register_node("KraItem", _load_item)
