"""Builds the Schema once: root types, scalars and the hardening extensions."""

from __future__ import annotations

from functools import partial
from typing import Any

import strawberry
from strawberry.extensions import (
    AddValidationRules,
    DisableIntrospection,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    ValidationCache,
)
from strawberry.schema.config import StrawberryConfig

from kra_api.config import Settings
from kra_api.graphql.audit.entries import AuditQueries
from kra_api.graphql.catalog.mutations import KpiMutations
from kra_api.graphql.catalog.queries import catalogue
from kra_api.graphql.catalog.types import CatalogueKpi
from kra_api.graphql.core.context import Info
from kra_api.graphql.core.errors import PublicErrors
from kra_api.graphql.core.limits import NoRepeatedDirectives, max_top_level_mutations
from kra_api.graphql.core.node import Node, resolve_node, resolve_nodes
from kra_api.graphql.core.permissions import Authenticated, CanRead
from kra_api.graphql.core.scalars import SCALAR_MAP
from kra_api.graphql.evaluations.bulk import EvaluationBulkMutations
from kra_api.graphql.evaluations.mutations import EvaluationMutations
from kra_api.graphql.evaluations.queries import EvaluationQueries
from kra_api.graphql.goals.mutations import GoalMutations
from kra_api.graphql.goals.revision_mutations import GoalRevisionMutations
from kra_api.graphql.kras.item_mutations import KraItemMutations
from kra_api.graphql.kras.kra_mutations import KraMutations
from kra_api.graphql.kras.set_mutations import KraSetMutations
from kra_api.graphql.kras.smart import KraSmartQueries
from kra_api.graphql.orgs.mutations import OrgUnitMutations
from kra_api.graphql.orgs.types import Organization
from kra_api.graphql.people.mutations import PeopleMutations
from kra_api.graphql.periods.mutations import PeriodMutations
from kra_api.graphql.readings.mutations import ReadingMutations, ReadingQueries
from kra_api.graphql.scoring.queries import ScorecardQueries
from kra_api.graphql.scoring.settings import SettingsMutations
from kra_api.graphql.scoring.simulation import SimulationQueries
from kra_api.graphql.viewer import Viewer, viewer_of


@strawberry.type(description="Read the caller's organization.")
class Query(
    ReadingQueries,
    ScorecardQueries,
    SimulationQueries,
    KraSmartQueries,
    EvaluationQueries,
    AuditQueries,
):
    node: Node | None = strawberry.field(
        resolver=resolve_node,
        permission_classes=[CanRead],
        description="Any object by id; null for unknown ids and other tenants' ids.",
    )
    nodes: list[Node | None] = strawberry.field(
        resolver=resolve_nodes,
        permission_classes=[CanRead],
        description="Objects by id, in order (at most 100).",
    )

    @strawberry.field(permission_classes=[Authenticated], description="The caller.")
    def viewer(self, info: Info) -> Viewer:
        return viewer_of(info)

    @strawberry.field(permission_classes=[CanRead], description="The caller's organization.")
    async def organization(self, info: Info) -> Organization:
        return Organization.of(await info.context.organization())

    @strawberry.field(
        permission_classes=[CanRead],
        description="The built-in KPI catalogue that kpiCatalogImport copies from, by code.",
    )
    def kpi_catalogue(self) -> list[CatalogueKpi]:
        return catalogue()


@strawberry.type(description="Change the caller's organization; one transaction per mutation.")
class Mutation(
    OrgUnitMutations,
    PeopleMutations,
    KpiMutations,
    PeriodMutations,
    KraSetMutations,
    KraMutations,
    KraItemMutations,
    GoalMutations,
    GoalRevisionMutations,
    ReadingMutations,
    SettingsMutations,
    EvaluationMutations,
    EvaluationBulkMutations,
):
    pass


CACHED_DOCUMENTS = 256  # distinct query texts kept parsed and validated (clients reuse a few)


def build_schema(settings: Settings) -> strawberry.Schema:
    """The schema with limits and error shaping configured from ``settings``."""
    # The limiters' rule classes are made once, here, so that every request validates with the
    # same rules and ValidationCache can answer a repeated document without validating it again
    # (a limiter made per request makes new rule classes, and a cache key nothing ever hits).
    rules = [
        *QueryDepthLimiter(max_depth=settings.max_query_depth).validation_rules,
        *MaxAliasesLimiter(max_alias_count=settings.max_aliases).validation_rules,
        max_top_level_mutations(settings.max_top_level_mutations),
        NoRepeatedDirectives,
    ]
    extensions: list[Any] = [
        partial(PublicErrors, production=settings.is_production),
        partial(MaxTokensLimiter, max_token_count=settings.max_tokens),
        partial(AddValidationRules, rules),
        # Last, after every rule is added: bounded LRU caches shared by all requests.
        partial(ParserCache, maxsize=CACHED_DOCUMENTS),
        partial(ValidationCache, maxsize=CACHED_DOCUMENTS),
    ]
    if settings.is_production:
        extensions.append(DisableIntrospection)
    return strawberry.Schema(
        query=Query,
        mutation=Mutation,
        extensions=extensions,
        config=StrawberryConfig(scalar_map=SCALAR_MAP),  # type: ignore[arg-type]
    )
