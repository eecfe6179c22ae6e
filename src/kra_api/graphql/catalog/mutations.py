"""Mutations on KPI definitions: create, update, copy from the built-in catalogue."""

from __future__ import annotations

import enum

import strawberry

from kra_api.catalog import service
from kra_api.errors import Invalid
from kra_api.graphql.catalog.inputs import (
    KpiCatalogImportInput,
    KpiCreateInput,
    KpiUpdateInput,
    kpi_changes,
    kpi_in,
)
from kra_api.graphql.catalog.types import Kpi
from kra_api.graphql.core.context import Info
from kra_api.graphql.core.ids import expect_id
from kra_api.graphql.core.mutations import UserError, perform, user_errors
from kra_api.graphql.core.permissions import CanWriteDefinitions


@strawberry.enum(description="Why kpiCreate refused its input.")
class KpiCreateErrorCode(enum.Enum):
    INVALID = "INVALID"
    INVALID_FORMULA = "INVALID_FORMULA"
    DUPLICATE = "DUPLICATE"


@strawberry.type(description="A failure of kpiCreate.")
class KpiCreateError(UserError):
    code: KpiCreateErrorCode = strawberry.field(description="Machine-readable reason.")


@strawberry.type(description="Result of kpiCreate.")
class KpiCreatePayload:
    kpi: Kpi | None = strawberry.field(description="The new KPI.")
    user_errors: list[KpiCreateError] = strawberry.field(description="Why nothing was written.")


@strawberry.enum(description="Why kpiUpdate refused its input.")
class KpiUpdateErrorCode(enum.Enum):
    NOT_FOUND = "NOT_FOUND"
    INVALID = "INVALID"
    INVALID_FORMULA = "INVALID_FORMULA"
    IN_USE = "IN_USE"


@strawberry.type(description="A failure of kpiUpdate.")
class KpiUpdateError(UserError):
    code: KpiUpdateErrorCode = strawberry.field(description="Machine-readable reason.")


@strawberry.type(description="Result of kpiUpdate.")
class KpiUpdatePayload:
    kpi: Kpi | None = strawberry.field(description="The KPI as now.")
    user_errors: list[KpiUpdateError] = strawberry.field(description="Why nothing was written.")


@strawberry.enum(description="Why kpiCatalogImport refused its input.")
class KpiCatalogImportErrorCode(enum.Enum):
    UNKNOWN_CODE = "UNKNOWN_CODE"
    DUPLICATE = "DUPLICATE"
    TOO_MANY = "TOO_MANY"


@strawberry.type(description="A failure of kpiCatalogImport (the path names the code's index).")
class KpiCatalogImportError(UserError):
    code: KpiCatalogImportErrorCode = strawberry.field(description="Machine-readable reason.")


@strawberry.type(description="Result of kpiCatalogImport.")
class KpiCatalogImportPayload:
    kpis: list[Kpi] = strawberry.field(description="The new KPIs, in the order of the codes.")
    user_errors: list[KpiCatalogImportError] = strawberry.field(
        description="Why nothing was written."
    )


@strawberry.type
class KpiMutations:
    @strawberry.mutation(permission_classes=[CanWriteDefinitions], description="Define a KPI.")
    async def kpi_create(self, info: Info, input: KpiCreateInput) -> KpiCreatePayload:
        data = kpi_in(input)
        result = await perform(info.context, lambda s, p: service.create_kpi(s, p, data))
        if isinstance(result, Invalid):
            errors = user_errors(result, KpiCreateError, KpiCreateErrorCode)
            return KpiCreatePayload(kpi=None, user_errors=errors)
        return KpiCreatePayload(kpi=Kpi.of(result), user_errors=[])

    @strawberry.mutation(
        permission_classes=[CanWriteDefinitions],
        description="Change a KPI; its definition is locked once readings of it exist.",
    )
    async def kpi_update(self, info: Info, input: KpiUpdateInput) -> KpiUpdatePayload:
        kpi_id = expect_id(input.kpi_id, "Kpi")
        changes = kpi_changes(input)
        result = await perform(info.context, lambda s, p: service.update_kpi(s, p, kpi_id, changes))
        if isinstance(result, Invalid):
            errors = user_errors(result, KpiUpdateError, KpiUpdateErrorCode)
            return KpiUpdatePayload(kpi=None, user_errors=errors)
        return KpiUpdatePayload(kpi=Kpi.of(result), user_errors=[])

    @strawberry.mutation(
        permission_classes=[CanWriteDefinitions],
        description="Copy KPIs from the built-in catalogue; all codes or none.",
    )
    async def kpi_catalog_import(
        self, info: Info, input: KpiCatalogImportInput
    ) -> KpiCatalogImportPayload:
        codes = list(input.codes)
        result = await perform(info.context, lambda s, p: service.import_catalogue(s, p, codes))
        if isinstance(result, Invalid):
            errors = user_errors(result, KpiCatalogImportError, KpiCatalogImportErrorCode)
            return KpiCatalogImportPayload(kpis=[], user_errors=errors)
        return KpiCatalogImportPayload(kpis=[Kpi.of(k) for k in result], user_errors=[])
