"""Mutations on KRA set versions: open a draft, publish it."""

from __future__ import annotations

import enum

import strawberry

from kra_api.errors import Invalid
from kra_api.graphql.core.context import Info
from kra_api.graphql.core.ids import expect_id
from kra_api.graphql.core.mutations import UserError, perform, user_errors
from kra_api.graphql.core.permissions import CanWriteDefinitions
from kra_api.graphql.kras.inputs import KraSetDraftInput, KraSetPublishInput
from kra_api.graphql.kras.types import KraSet
from kra_api.kras import service


@strawberry.enum(description="Why kraSetDraft refused its input.")
class KraSetDraftErrorCode(enum.Enum):
    NOT_FOUND = "NOT_FOUND"
    DRAFT_EXISTS = "DRAFT_EXISTS"


@strawberry.type(description="A failure of kraSetDraft.")
class KraSetDraftError(UserError):
    code: KraSetDraftErrorCode = strawberry.field(description="Machine-readable reason.")


@strawberry.type(description="Result of kraSetDraft.")
class KraSetDraftPayload:
    kra_set: KraSet | None = strawberry.field(description="The new draft.")
    user_errors: list[KraSetDraftError] = strawberry.field(description="Why nothing was written.")


@strawberry.enum(description="Why kraSetPublish refused its input.")
class KraSetPublishErrorCode(enum.Enum):
    NOT_FOUND = "NOT_FOUND"
    NOT_DRAFT = "NOT_DRAFT"
    WEIGHTS_TOTAL = "WEIGHTS_TOTAL"
    EMPTY_KRA = "EMPTY_KRA"
    DUPLICATE_KPI = "DUPLICATE_KPI"
    BEFORE_CURRENT = "BEFORE_CURRENT"
    PERIOD_FINAL = "PERIOD_FINAL"
    INVALID = "INVALID"


@strawberry.type(description="A failure of kraSetPublish.")
class KraSetPublishError(UserError):
    code: KraSetPublishErrorCode = strawberry.field(description="Machine-readable reason.")


@strawberry.type(description="Result of kraSetPublish.")
class KraSetPublishPayload:
    kra_set: KraSet | None = strawberry.field(description="The published set.")
    user_errors: list[KraSetPublishError] = strawberry.field(description="Why nothing was written.")


@strawberry.type
class KraSetMutations:
    @strawberry.mutation(
        permission_classes=[CanWriteDefinitions],
        description="Open a new draft of a role's KRA set, copied from its newest published "
        "set (empty when there is none); at most one draft per role.",
    )
    async def kra_set_draft(self, info: Info, input: KraSetDraftInput) -> KraSetDraftPayload:
        role_id = expect_id(input.role_id, "Role")
        result = await perform(info.context, lambda s, p: service.draft_set(s, p, role_id))
        if isinstance(result, Invalid):
            errors = user_errors(result, KraSetDraftError, KraSetDraftErrorCode)
            return KraSetDraftPayload(kra_set=None, user_errors=errors)
        return KraSetDraftPayload(kra_set=KraSet.of(result), user_errors=[])

    @strawberry.mutation(
        permission_classes=[CanWriteDefinitions],
        description="Publish a draft from effectiveFrom: KRA weights and each KRA's weighted "
        "items must total exactly 100. The current set ends on effectiveFrom (SUPERSEDED when "
        "it would never take effect). Published sets are immutable.",
    )
    async def kra_set_publish(self, info: Info, input: KraSetPublishInput) -> KraSetPublishPayload:
        set_id = expect_id(input.kra_set_id, "KraSet")
        result = await perform(
            info.context,
            lambda s, p: service.publish_set(s, p, set_id, input.effective_from, input.reason),
        )
        if isinstance(result, Invalid):
            errors = user_errors(result, KraSetPublishError, KraSetPublishErrorCode)
            return KraSetPublishPayload(kra_set=None, user_errors=errors)
        return KraSetPublishPayload(kra_set=KraSet.of(result), user_errors=[])
