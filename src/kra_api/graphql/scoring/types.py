"""GraphQL types of scorecards: every number behind a score (scoring.md §10).

Output precision: KPI values and baselines have 6 decimals and scores 2 (half-up, §7); anchors,
coverages and contributions are exact when they end within 6 decimals, else rounded half-up to 6.
Rows referred to (KRAs, items, KPIs, goals) are primed into the request's loaders by the query
that scored, so nested fields cost no statement.
"""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import uuid
from collections.abc import Mapping
from typing import cast

import strawberry

from kra_api.graphql.catalog.types import Kpi
from kra_api.graphql.core.context import Info
from kra_api.graphql.core.ids import to_composite_id
from kra_api.graphql.core.node import Node
from kra_api.graphql.goals.types import Goal
from kra_api.graphql.kras.types import Kra, KraItem, KraSet
from kra_api.graphql.orgs.types import OrgUnit, RatingBand
from kra_api.graphql.people.types import Employee, Role
from kra_api.graphql.periods.types import Period
from kra_api.graphql.readings.types import ComponentValue
from kra_api.scoring import engine
from kra_api.scoring import service as scoring
from kra_api.scoring.exact import Fraction

PLACES = 6


def exact_out(value: Fraction) -> decimal.Decimal:
    """Exact when the number ends within 6 decimals (trailing zeros dropped), else rounded."""
    rounded = engine.round_half_up(value, PLACES)
    if Fraction(rounded) != value:
        return rounded
    return rounded.normalize() if rounded else decimal.Decimal(0)


def components_out(sums: Mapping[str, Fraction | decimal.Decimal]) -> list[ComponentValue]:
    """Component aggregates, exact, by name."""
    return [ComponentValue(name=n, value=exact_out(Fraction(v))) for n, v in sorted(sums.items())]


def band_out(band: engine.Band | None) -> RatingBand | None:
    """A rating band of the engine as the GraphQL type."""
    if band is None:
        return None
    return RatingBand(level=band.level, label=band.label, min_score=band.min_score)


@strawberry.enum(description="Why an item has a score or not; the first that applies (§5).")
class ItemStatus(enum.Enum):
    SCORED = "SCORED"
    NO_GOAL = "NO_GOAL"
    NO_DATA = "NO_DATA"
    INSUFFICIENT_SAMPLE = "INSUFFICIENT_SAMPLE"
    NO_BASELINE = "NO_BASELINE"


@strawberry.enum(description="RATED when enough weight is scored (coverage minimum), else not.")
class RatingStatus(enum.Enum):
    RATED = "RATED"
    NOT_RATED = "NOT_RATED"


@strawberry.enum(description="Where the value fell relative to the effective anchors (§4).")
class Segment(enum.Enum):
    BELOW_THRESHOLD = "BELOW_THRESHOLD"
    THRESHOLD_TO_TARGET = "THRESHOLD_TO_TARGET"
    TARGET_TO_STRETCH = "TARGET_TO_STRETCH"
    CAPPED = "CAPPED"
    ON_TARGET_BAND = "ON_TARGET_BAND"
    ABOVE_RANGE_BAND = "ABOVE_RANGE_BAND"


@strawberry.type(description="A goal version behind an item's effective anchors.")
class GoalUse:
    goal_id: strawberry.Private[uuid.UUID]
    days: int = strawberry.field(description="Days of the period this version won (§3, §8).")

    @strawberry.field(description="The goal version.")
    async def goal(self, info: Info) -> Goal:
        row = await info.context.loaders.goals.goal.load(self.goal_id)
        assert row is not None  # scored from this very row in this request
        return Goal.of(row)


@strawberry.type(description="One KRA item of a scorecard, with everything needed to recheck it.")
class ItemResult:
    result: strawberry.Private[engine.ItemResult]
    kpi_id: strawberry.Private[uuid.UUID]
    weight: decimal.Decimal | None = strawberry.field(description="Weight in the KRA; null: gate.")
    status: ItemStatus = strawberry.field(description="SCORED, or why there is no score.")
    value: decimal.Decimal | None = strawberry.field(description="KPI value, 6 decimals.")
    component_sums: list[ComponentValue] = strawberry.field(
        description="The component aggregates the value is computed from."
    )
    baseline: decimal.Decimal | None = strawberry.field(
        description="RELATIVE goals: the previous period's value (6 decimals)."
    )
    threshold: decimal.Decimal | None = strawberry.field(description="Effective threshold.")
    target: decimal.Decimal | None = strawberry.field(description="Effective target.")
    stretch: decimal.Decimal | None = strawberry.field(description="Effective stretch.")
    low_threshold: decimal.Decimal | None = strawberry.field(description="IN_RANGE low threshold.")
    low_target: decimal.Decimal | None = strawberry.field(description="IN_RANGE low target.")
    high_target: decimal.Decimal | None = strawberry.field(description="IN_RANGE high target.")
    high_threshold: decimal.Decimal | None = strawberry.field(
        description="IN_RANGE high threshold."
    )
    goals: list[GoalUse] = strawberry.field(description="Goal versions used, with their days.")
    segment: Segment | None = strawberry.field(description="Where the value fell.")
    score: decimal.Decimal | None = strawberry.field(description="KPI score, 2 decimals.")
    contribution: decimal.Decimal | None = strawberry.field(
        description="weight × score / scored weight of the KRA (unrounded; display only)."
    )
    gate_passed: bool | None = strawberry.field(
        description="Gates: whether the value passes; null for other items or when unknown."
    )

    @classmethod
    def of(cls, r: engine.ItemResult, kpi_id: uuid.UUID) -> ItemResult:
        """Wrap an engine item result."""
        a = r.anchors

        def anchor(name: str) -> decimal.Decimal | None:
            v = None if a is None else getattr(a, name)
            return None if v is None else exact_out(v)

        return cls(
            result=r,
            kpi_id=kpi_id,
            weight=r.weight,
            status=ItemStatus(r.status.value),
            value=r.value_output,
            component_sums=components_out(dict(r.component_sums)),
            baseline=None if r.baseline is None else engine.quantize_value(r.baseline),
            threshold=anchor("threshold"),
            target=anchor("target"),
            stretch=anchor("stretch"),
            low_threshold=anchor("low_threshold"),
            low_target=anchor("low_target"),
            high_target=anchor("high_target"),
            high_threshold=anchor("high_threshold"),
            goals=[GoalUse(goal_id=cast(uuid.UUID, u.version.id), days=u.days) for u in r.goals],
            segment=None if r.segment is None else Segment(r.segment.value),
            score=r.score,
            contribution=None if r.contribution is None else exact_out(r.contribution),
            gate_passed=r.gate_passed,
        )

    @strawberry.field(description="The KRA item scored.")
    async def item(self, info: Info) -> KraItem:
        row = await info.context.loaders.kras.item.load(cast(uuid.UUID, self.result.key))
        assert row is not None
        return KraItem.of(row)

    @strawberry.field(description="The KPI of the item.")
    async def kpi(self, info: Info) -> Kpi:
        row = await info.context.loaders.kpi.load(self.kpi_id)
        assert row is not None
        return Kpi.of(row)


@strawberry.type(description="One KRA of a scorecard: weighted mean of its SCORED items (§6).")
class KraResult:
    result: strawberry.Private[engine.KraResult]
    weight: decimal.Decimal = strawberry.field(description="Weight of the KRA in the set.")
    score: decimal.Decimal | None = strawberry.field(description="KRA score, 2 decimals.")
    status: RatingStatus = strawberry.field(description="NOT_RATED below the coverage minimum.")
    coverage: decimal.Decimal = strawberry.field(
        description="Scored item weight / item weight (gates excluded)."
    )
    items: list[ItemResult] = strawberry.field(description="Items in position order.")

    @strawberry.field(description="The KRA.")
    async def kra(self, info: Info) -> Kra:
        row = await info.context.loaders.kras.kra.load(cast(uuid.UUID, self.result.key))
        assert row is not None
        return Kra.of(row)


@strawberry.type(
    description="An employee's scorecard for a period: live (every stored reading of the "
    "period), or the frozen snapshot of a FINALIZED evaluation (`final: true`)."
)
class Scorecard(Node):
    card: strawberry.Private[scoring.Scorecard]
    kpi_of_item: strawberry.Private[dict[uuid.UUID, uuid.UUID]]
    final: bool = strawberry.field(
        description="True when read from a finalized evaluation's frozen snapshot."
    )
    overall_score: decimal.Decimal | None = strawberry.field(
        description="Overall score after any gate cap, 2 decimals; null when NOT_RATED."
    )
    overall_status: RatingStatus = strawberry.field(description="RATED or NOT_RATED.")
    coverage: decimal.Decimal = strawberry.field(description="Rated KRA weight / KRA weight.")
    band: RatingBand | None = strawberry.field(description="Band of the overall score.")
    gate_failed: bool = strawberry.field(description="A gate failed (the overall is capped).")
    computed_at: dt.datetime = strawberry.field(description="When these numbers were computed.")

    @classmethod
    def of(
        cls,
        card: scoring.Scorecard,
        kpi_of_item: dict[uuid.UUID, uuid.UUID],
        *,
        final: bool = False,
    ) -> Scorecard:
        """Wrap a computed (or, ``final``, a frozen) scorecard; ``kpi_of_item`` maps item ids
        to KPI ids."""
        r = card.result
        return cls(
            id=to_composite_id("Scorecard", card.employee_id, card.period.id),
            card=card,
            kpi_of_item=kpi_of_item,
            final=final,
            overall_score=r.score,
            overall_status=RatingStatus(r.status.value),
            coverage=exact_out(r.coverage),
            band=band_out(r.band),
            gate_failed=r.gate_failed,
            computed_at=card.computed_at,
        )

    @strawberry.field(description="The employee scored.")
    async def employee(self, info: Info) -> Employee:
        row = await info.context.loaders.employee.load(self.card.employee_id)
        assert row is not None
        return Employee.of(row)

    @strawberry.field(description="The period.")
    def period(self) -> Period:
        return Period.of(self.card.period)

    @strawberry.field(
        description="The role on the last day of the period the employee was assigned."
    )
    async def role(self, info: Info) -> Role | None:
        if self.card.role_id is None:
            return None
        row = await info.context.loaders.role.load(self.card.role_id)
        return Role.of(row) if row else None

    @strawberry.field(description="The org unit on that same day.")
    async def org_unit(self, info: Info) -> OrgUnit | None:
        if self.card.org_unit_id is None:
            return None
        row = await info.context.loaders.org_unit.load(self.card.org_unit_id)
        return OrgUnit.of(row) if row else None

    @strawberry.field(description="The role's KRA set in force on that day (null: none).")
    def kra_set(self) -> KraSet | None:
        return None if self.card.kra_set is None else KraSet.of(self.card.kra_set)

    @strawberry.field(description="KRA results in position order.")
    def kras(self) -> list[KraResult]:
        return [
            KraResult(
                result=k,
                weight=k.weight,
                score=k.score,
                status=RatingStatus(k.status.value),
                coverage=exact_out(k.coverage),
                items=[ItemResult.of(i, self.kpi_of_item[cast(uuid.UUID, i.key)]) for i in k.items],
            )
            for k in self.card.result.kras
        ]
