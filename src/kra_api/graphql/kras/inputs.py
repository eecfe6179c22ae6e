"""Inputs of the KRA set mutations and their conversion to the service DTOs."""

from __future__ import annotations

import datetime as dt
import decimal

import strawberry

from kra_api.graphql.core.ids import expect_id
from kra_api.graphql.kras.types import ItemScope
from kra_api.kras import item_edits
from kra_api.kras.kra_edits import KraChanges, KraIn
from kra_api.kras.rules import GateIn


@strawberry.input(description="Open a new draft KRA set of a role, copied from its current set.")
class KraSetDraftInput:
    role_id: strawberry.ID = strawberry.field(description="The role.")


@strawberry.input(description="Publish a draft from a date on; the current set ends that day.")
class KraSetPublishInput:
    kra_set_id: strawberry.ID = strawberry.field(description="The draft.")
    effective_from: dt.date = strawberry.field(description="First day in force.")
    reason: str | None = strawberry.field(default=None, description="Why (kept in history).")


@strawberry.input(description="A new KRA at the end of a draft.")
class KraCreateInput:
    kra_set_id: strawberry.ID = strawberry.field(description="The draft.")
    title: str = strawberry.field(description="Title (1-200 characters), unique in the set.")
    description: str | None = strawberry.field(default=None, description="What it covers.")
    objective: str | None = strawberry.field(default=None, description="What is expected.")
    weight: decimal.Decimal = strawberry.field(
        description="In (0, 100]; the KRAs of a set must total exactly 100 to publish."
    )


@strawberry.input(description="Change a KRA of a draft; omitted fields are kept.")
class KraUpdateInput:
    kra_id: strawberry.ID = strawberry.field(description="The KRA.")
    title: str | None = strawberry.field(default=None, description="New title.")
    description: str | None = strawberry.field(
        default=strawberry.UNSET, description="New description; omit to keep, null to clear."
    )
    objective: str | None = strawberry.field(
        default=strawberry.UNSET, description="New objective; omit to keep, null to clear."
    )
    weight: decimal.Decimal | None = strawberry.field(default=None, description="New weight.")


@strawberry.input(description="Remove a KRA and its items from a draft.")
class KraRemoveInput:
    kra_id: strawberry.ID = strawberry.field(description="The KRA.")


@strawberry.input(description="Gate bounds: passes when minimum <= value <= maximum.")
class GateInput:
    minimum: decimal.Decimal | None = strawberry.field(default=None, description="Lowest pass.")
    maximum: decimal.Decimal | None = strawberry.field(default=None, description="Highest pass.")


@strawberry.input(
    description="Place a KPI under a KRA of a draft: either a weight, or a gate (no weight). "
    "A KPI may be weighted at most once and a gate at most once per set."
)
class KraItemAddInput:
    kra_id: strawberry.ID = strawberry.field(description="The KRA.")
    kpi_code: str = strawberry.field(description="Code of one of the organization's KPIs.")
    weight: decimal.Decimal | None = strawberry.field(
        default=None, description="Weight in the KRA, in (0, 100]; null for a gate."
    )
    scope: ItemScope | None = strawberry.field(
        default=ItemScope.SELF, description="SELF (default, also for null) or LED_UNITS."
    )
    gate: GateInput | None = strawberry.field(default=None, description="Makes it a gate.")


@strawberry.input(
    description="Change an item of a draft: a weight makes it weighted, a gate makes it a gate."
)
class KraItemUpdateInput:
    kra_item_id: strawberry.ID = strawberry.field(description="The item.")
    scope: ItemScope | None = strawberry.field(default=None, description="New scope.")
    weight: decimal.Decimal | None = strawberry.field(default=None, description="New weight.")
    gate: GateInput | None = strawberry.field(default=None, description="New gate bounds.")


@strawberry.input(description="Remove an item from a KRA of a draft.")
class KraItemRemoveInput:
    kra_item_id: strawberry.ID = strawberry.field(description="The item.")


def _gate(gate: GateInput | None) -> GateIn | None:
    return None if gate is None else GateIn(minimum=gate.minimum, maximum=gate.maximum)


def kra_in(data: KraCreateInput) -> KraIn:
    """The service DTO of a kraCreate input."""
    return KraIn(
        kra_set_id=expect_id(data.kra_set_id, "KraSet"),
        title=data.title,
        weight=data.weight,
        description=data.description,
        objective=data.objective,
    )


def kra_changes(data: KraUpdateInput) -> KraChanges:
    """The service DTO of a kraUpdate input (UNSET fields are kept)."""
    description_given = data.description is not strawberry.UNSET
    objective_given = data.objective is not strawberry.UNSET
    return KraChanges(
        kra_id=expect_id(data.kra_id, "Kra"),
        title=data.title,
        weight=data.weight,
        description=data.description if description_given else None,
        description_given=description_given,
        objective=data.objective if objective_given else None,
        objective_given=objective_given,
    )


def item_in(data: KraItemAddInput) -> item_edits.ItemIn:
    """The service DTO of a kraItemAdd input."""
    return item_edits.ItemIn(
        kra_id=expect_id(data.kra_id, "Kra"),
        kpi_code=data.kpi_code,
        scope=item_edits.ItemScope((data.scope or ItemScope.SELF).value),
        weight=data.weight,
        gate=_gate(data.gate),
    )


def item_changes(data: KraItemUpdateInput) -> item_edits.ItemChanges:
    """The service DTO of a kraItemUpdate input."""
    return item_edits.ItemChanges(
        item_id=expect_id(data.kra_item_id, "KraItem"),
        scope=None if data.scope is None else item_edits.ItemScope(data.scope.value),
        weight=data.weight,
        gate=_gate(data.gate),
    )
