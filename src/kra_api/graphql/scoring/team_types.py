"""GraphQL types of team scorecards and KPI trends."""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import uuid
from typing import Any

import strawberry

from kra_api.db.keyset import check_first, decode_cursor, encode_cursor
from kra_api.graphql.catalog.types import Kpi
from kra_api.graphql.core.context import Info
from kra_api.graphql.core.pagination import Connection, Edge, PageInfo
from kra_api.graphql.orgs.types import OrgUnit, RatingBand
from kra_api.graphql.periods.types import Period
from kra_api.graphql.readings.types import ComponentValue
from kra_api.graphql.scoring.types import Scorecard, band_out, components_out
from kra_api.scoring import engine
from kra_api.scoring import team as teams

_CURSOR_PARSERS = [int, decimal.Decimal, str, uuid.UUID]


@strawberry.enum(description="Size of a trend bucket (weeks are ISO weeks starting on Monday).")
class TrendGrain(enum.Enum):
    DAY = "DAY"
    WEEK = "WEEK"
    MONTH = "MONTH"


@strawberry.type(description="A KPI's value in one trend bucket (ratio of sums).")
class TrendPoint:
    start: dt.date = strawberry.field(description="First day of the bucket.")
    value: decimal.Decimal | None = strawberry.field(
        description="KPI value, 6 decimals; null without readings or on a division by zero."
    )
    component_sums: list[ComponentValue] = strawberry.field(
        description="The bucket's component aggregates."
    )


@strawberry.type(description="A team KPI: ratio of sums over members and unit readings.")
class TeamKpiValue:
    kpi_row: strawberry.Private[Any]
    value: decimal.Decimal | None = strawberry.field(description="KPI value, 6 decimals.")
    component_sums: list[ComponentValue] = strawberry.field(description="Component aggregates.")

    @strawberry.field(description="The KPI.")
    def kpi(self) -> Kpi:
        return Kpi.of(self.kpi_row)


@strawberry.type(description="How many RATED members fall in a band.")
class BandCount:
    band: RatingBand = strawberry.field(description="The band.")
    count: int = strawberry.field(description="RATED members in it.")


@strawberry.type(description="Member scorecards, overall descending (NOT_RATED last), then name.")
class ScorecardConnection(Connection[Scorecard]):
    pass


def _cursor_key(values: list[Any]) -> tuple[int, decimal.Decimal, str, str]:
    rank, score, name, member = values
    return (rank, -score if score is not None else decimal.Decimal(0), name, str(member))


@strawberry.type(description="A unit's scorecard for a period: its subtree's members rolled up.")
class TeamScorecard:
    team: strawberry.Private[teams.TeamScorecard]
    kpi_of_item: strawberry.Private[dict[uuid.UUID, uuid.UUID]]
    org_unit: OrgUnit = strawberry.field(description="The unit.")
    period: Period = strawberry.field(description="The period.")
    kpis: list[TeamKpiValue] = strawberry.field(
        description="Ratio-of-sums KPI values over the subtree's members (while members) and "
        "unit readings: KPIs of the members' KRA sets and any KPI with readings, by code."
    )
    average_score: decimal.Decimal | None = strawberry.field(
        description="Mean overall score of the RATED members, 2 decimals."
    )
    rated_count: int = strawberry.field(description="Members with a RATED overall.")
    member_count: int = strawberry.field(
        description="Everyone assigned to the unit or its subtree on the period's last day."
    )
    band_distribution: list[BandCount] = strawberry.field(
        description="RATED members per band, every band of the organization, ascending."
    )

    @classmethod
    def of(
        cls, team: teams.TeamScorecard, unit: OrgUnit, kpi_of_item: dict[uuid.UUID, uuid.UUID]
    ) -> TeamScorecard:
        """Wrap a computed team scorecard."""
        kpis = [
            TeamKpiValue(
                kpi_row=k.kpi.row,
                value=None if k.value is None else engine.quantize_value(k.value),
                component_sums=components_out(k.sums or {}),
            )
            for k in team.kpis
        ]
        bands = [BandCount(band=band_out(b), count=n) for b, n in team.band_counts]  # type: ignore[arg-type]
        return cls(
            team=team,
            kpi_of_item=kpi_of_item,
            org_unit=unit,
            period=Period.of(team.period),
            kpis=kpis,
            average_score=team.average_score,
            rated_count=team.rated_count,
            member_count=len(team.members),
            band_distribution=bands,
        )

    @strawberry.field(description="Member scorecards (`first` 1..100 required).")
    def members(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> ScorecardConnection:
        limit = check_first(first)
        cards = self.team.members
        keys = [teams.member_key(c, self.team.employees[c.employee_id].name) for c in cards]
        start = 0
        if after is not None:
            key = _cursor_key(decode_cursor(after, _CURSOR_PARSERS))
            start = next((i for i, k in enumerate(keys) if k > key), len(cards))
        page = cards[start : start + limit]
        edges = []
        for card in page:
            rank, _, name, _ = teams.member_key(card, self.team.employees[card.employee_id].name)
            score = card.result.score
            cursor = encode_cursor(
                [rank, None if score is None else str(score), name, card.employee_id]
            )
            edges.append(Edge(cursor=cursor, node=Scorecard.of(card, self.kpi_of_item)))
        return ScorecardConnection(
            edges=edges,
            page_info=PageInfo(
                has_next_page=start + limit < len(cards),
                has_previous_page=after is not None,
                start_cursor=edges[0].cursor if edges else None,
                end_cursor=edges[-1].cursor if edges else None,
            ),
        )
