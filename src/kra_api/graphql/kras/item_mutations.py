"""Mutations on the KRA items of a draft: add, update, remove."""

from __future__ import annotations

import enum

import strawberry

from kra_api.errors import Invalid
from kra_api.graphql.core.context import Info
from kra_api.graphql.core.ids import expect_id, to_global_id
from kra_api.graphql.core.mutations import UserError, perform, user_errors
from kra_api.graphql.core.permissions import CanWriteDefinitions
from kra_api.graphql.kras.inputs import (
    KraItemAddInput,
    KraItemRemoveInput,
    KraItemUpdateInput,
    item_changes,
    item_in,
)
from kra_api.graphql.kras.types import Kra, KraItem
from kra_api.kras import item_edits


@strawberry.enum(description="Why kraItemAdd refused its input.")
class KraItemAddErrorCode(enum.Enum):
    NOT_FOUND = "NOT_FOUND"
    INVALID = "INVALID"
    NOT_DRAFT = "NOT_DRAFT"
    DUPLICATE_KPI = "DUPLICATE_KPI"


@strawberry.type(description="A failure of kraItemAdd.")
class KraItemAddError(UserError):
    code: KraItemAddErrorCode = strawberry.field(description="Machine-readable reason.")


@strawberry.type(description="Result of kraItemAdd.")
class KraItemAddPayload:
    kra_item: KraItem | None = strawberry.field(description="The new item.")
    user_errors: list[KraItemAddError] = strawberry.field(description="Why nothing was written.")


@strawberry.enum(description="Why kraItemUpdate refused its input.")
class KraItemUpdateErrorCode(enum.Enum):
    NOT_FOUND = "NOT_FOUND"
    INVALID = "INVALID"
    NOT_DRAFT = "NOT_DRAFT"
    DUPLICATE_KPI = "DUPLICATE_KPI"


@strawberry.type(description="A failure of kraItemUpdate.")
class KraItemUpdateError(UserError):
    code: KraItemUpdateErrorCode = strawberry.field(description="Machine-readable reason.")


@strawberry.type(description="Result of kraItemUpdate.")
class KraItemUpdatePayload:
    kra_item: KraItem | None = strawberry.field(description="The item as now.")
    user_errors: list[KraItemUpdateError] = strawberry.field(description="Why nothing was written.")


@strawberry.enum(description="Why kraItemRemove refused its input.")
class KraItemRemoveErrorCode(enum.Enum):
    NOT_FOUND = "NOT_FOUND"
    NOT_DRAFT = "NOT_DRAFT"


@strawberry.type(description="A failure of kraItemRemove.")
class KraItemRemoveError(UserError):
    code: KraItemRemoveErrorCode = strawberry.field(description="Machine-readable reason.")


@strawberry.type(description="Result of kraItemRemove.")
class KraItemRemovePayload:
    kra: Kra | None = strawberry.field(description="The KRA without the item.")
    removed_kra_item_id: strawberry.ID | None = strawberry.field(
        description="Id of the removed item."
    )
    user_errors: list[KraItemRemoveError] = strawberry.field(description="Why nothing was written.")


@strawberry.type
class KraItemMutations:
    @strawberry.mutation(
        permission_classes=[CanWriteDefinitions],
        description="Place a KPI (by code) under a KRA of a draft: weighted, or as a gate.",
    )
    async def kra_item_add(self, info: Info, input: KraItemAddInput) -> KraItemAddPayload:
        data = item_in(input)
        result = await perform(info.context, lambda s, p: item_edits.add_item(s, p, data))
        if isinstance(result, Invalid):
            errors = user_errors(result, KraItemAddError, KraItemAddErrorCode)
            return KraItemAddPayload(kra_item=None, user_errors=errors)
        return KraItemAddPayload(kra_item=KraItem.of(result), user_errors=[])

    @strawberry.mutation(
        permission_classes=[CanWriteDefinitions],
        description="Change the scope, weight or gate of an item of a draft.",
    )
    async def kra_item_update(self, info: Info, input: KraItemUpdateInput) -> KraItemUpdatePayload:
        changes = item_changes(input)
        result = await perform(info.context, lambda s, p: item_edits.update_item(s, p, changes))
        if isinstance(result, Invalid):
            errors = user_errors(result, KraItemUpdateError, KraItemUpdateErrorCode)
            return KraItemUpdatePayload(kra_item=None, user_errors=errors)
        return KraItemUpdatePayload(kra_item=KraItem.of(result), user_errors=[])

    @strawberry.mutation(
        permission_classes=[CanWriteDefinitions], description="Remove an item of a draft."
    )
    async def kra_item_remove(self, info: Info, input: KraItemRemoveInput) -> KraItemRemovePayload:
        item_id = expect_id(input.kra_item_id, "KraItem")
        result = await perform(info.context, lambda s, p: item_edits.remove_item(s, p, item_id))
        if isinstance(result, Invalid):
            errors = user_errors(result, KraItemRemoveError, KraItemRemoveErrorCode)
            return KraItemRemovePayload(kra=None, removed_kra_item_id=None, user_errors=errors)
        return KraItemRemovePayload(
            kra=Kra.of(result),
            removed_kra_item_id=to_global_id("KraItem", item_id),
            user_errors=[],
        )
