"""Mutations on the KRAs of a draft: create, update, remove."""

from __future__ import annotations

import enum

import strawberry

from kra_api.errors import Invalid
from kra_api.graphql.core.context import Info
from kra_api.graphql.core.ids import expect_id, to_global_id
from kra_api.graphql.core.mutations import UserError, perform, user_errors
from kra_api.graphql.core.permissions import CanWriteDefinitions
from kra_api.graphql.kras.inputs import (
    KraCreateInput,
    KraRemoveInput,
    KraUpdateInput,
    kra_changes,
    kra_in,
)
from kra_api.graphql.kras.types import Kra, KraSet
from kra_api.kras import kra_edits


@strawberry.enum(description="Why kraCreate refused its input.")
class KraCreateErrorCode(enum.Enum):
    NOT_FOUND = "NOT_FOUND"
    INVALID = "INVALID"
    NOT_DRAFT = "NOT_DRAFT"
    DUPLICATE = "DUPLICATE"


@strawberry.type(description="A failure of kraCreate.")
class KraCreateError(UserError):
    code: KraCreateErrorCode = strawberry.field(description="Machine-readable reason.")


@strawberry.type(description="Result of kraCreate.")
class KraCreatePayload:
    kra: Kra | None = strawberry.field(description="The new KRA.")
    user_errors: list[KraCreateError] = strawberry.field(description="Why nothing was written.")


@strawberry.enum(description="Why kraUpdate refused its input.")
class KraUpdateErrorCode(enum.Enum):
    NOT_FOUND = "NOT_FOUND"
    INVALID = "INVALID"
    NOT_DRAFT = "NOT_DRAFT"
    DUPLICATE = "DUPLICATE"


@strawberry.type(description="A failure of kraUpdate.")
class KraUpdateError(UserError):
    code: KraUpdateErrorCode = strawberry.field(description="Machine-readable reason.")


@strawberry.type(description="Result of kraUpdate.")
class KraUpdatePayload:
    kra: Kra | None = strawberry.field(description="The KRA as now.")
    user_errors: list[KraUpdateError] = strawberry.field(description="Why nothing was written.")


@strawberry.enum(description="Why kraRemove refused its input.")
class KraRemoveErrorCode(enum.Enum):
    NOT_FOUND = "NOT_FOUND"
    NOT_DRAFT = "NOT_DRAFT"


@strawberry.type(description="A failure of kraRemove.")
class KraRemoveError(UserError):
    code: KraRemoveErrorCode = strawberry.field(description="Machine-readable reason.")


@strawberry.type(description="Result of kraRemove.")
class KraRemovePayload:
    kra_set: KraSet | None = strawberry.field(description="The draft without the KRA.")
    removed_kra_id: strawberry.ID | None = strawberry.field(description="Id of the removed KRA.")
    user_errors: list[KraRemoveError] = strawberry.field(description="Why nothing was written.")


@strawberry.type
class KraMutations:
    @strawberry.mutation(
        permission_classes=[CanWriteDefinitions], description="Add a KRA to a draft KRA set."
    )
    async def kra_create(self, info: Info, input: KraCreateInput) -> KraCreatePayload:
        data = kra_in(input)
        result = await perform(info.context, lambda s, p: kra_edits.create_kra(s, p, data))
        if isinstance(result, Invalid):
            errors = user_errors(result, KraCreateError, KraCreateErrorCode)
            return KraCreatePayload(kra=None, user_errors=errors)
        return KraCreatePayload(kra=Kra.of(result), user_errors=[])

    @strawberry.mutation(
        permission_classes=[CanWriteDefinitions], description="Change a KRA of a draft."
    )
    async def kra_update(self, info: Info, input: KraUpdateInput) -> KraUpdatePayload:
        changes = kra_changes(input)
        result = await perform(info.context, lambda s, p: kra_edits.update_kra(s, p, changes))
        if isinstance(result, Invalid):
            errors = user_errors(result, KraUpdateError, KraUpdateErrorCode)
            return KraUpdatePayload(kra=None, user_errors=errors)
        return KraUpdatePayload(kra=Kra.of(result), user_errors=[])

    @strawberry.mutation(
        permission_classes=[CanWriteDefinitions],
        description="Remove a KRA and its items from a draft.",
    )
    async def kra_remove(self, info: Info, input: KraRemoveInput) -> KraRemovePayload:
        kra_id = expect_id(input.kra_id, "Kra")
        result = await perform(info.context, lambda s, p: kra_edits.remove_kra(s, p, kra_id))
        if isinstance(result, Invalid):
            errors = user_errors(result, KraRemoveError, KraRemoveErrorCode)
            return KraRemovePayload(kra_set=None, removed_kra_id=None, user_errors=errors)
        return KraRemovePayload(
            kra_set=KraSet.of(result),
            removed_kra_id=to_global_id("Kra", kra_id),
            user_errors=[],
        )
