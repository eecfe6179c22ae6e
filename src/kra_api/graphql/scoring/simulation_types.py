"""GraphQL types of what-if simulations: scorecards before and after, band distributions."""

from __future__ import annotations

import decimal
import uuid

import strawberry

from kra_api.db.keyset import check_first, decode_cursor, encode_cursor
from kra_api.graphql.core.pagination import Connection, Edge, PageInfo
from kra_api.graphql.orgs.types import RatingBand
from kra_api.graphql.people.types import Employee
from kra_api.graphql.periods.types import Period
from kra_api.graphql.scoring.team_types import BandCount
from kra_api.graphql.scoring.types import RatingStatus, band_out, exact_out
from kra_api.models import Employee as EmployeeRow
from kra_api.scoring import engine
from kra_api.scoring import simulation as sims

SortKey = tuple[int, str, str]  # (0 changed / 1 unchanged, name, employee id)


@strawberry.type(description="An overall result: score, status, band and gate outcome.")
class ScorecardOutcome:
    overall_score: decimal.Decimal | None = strawberry.field(
        description="Overall score (2 decimals), null when NOT_RATED."
    )
    overall_status: RatingStatus = strawberry.field(description="RATED or NOT_RATED.")
    coverage: decimal.Decimal = strawberry.field(description="Rated KRA weight / KRA weight.")
    band: RatingBand | None = strawberry.field(description="Band of the overall score.")
    gate_failed: bool = strawberry.field(description="A gate failed (the overall is capped).")

    @classmethod
    def of(cls, r: engine.ScorecardResult) -> ScorecardOutcome:
        """The outcome of an engine result."""
        return cls(
            overall_score=r.score,
            overall_status=RatingStatus(r.status.value),
            coverage=exact_out(r.coverage),
            band=band_out(r.band),
            gate_failed=r.gate_failed,
        )


@strawberry.type(description="One employee's scorecard of the period, as stored and simulated.")
class SimulatedScorecard:
    row: strawberry.Private[EmployeeRow]
    before: ScorecardOutcome = strawberry.field(description="As scored now.")
    after: ScorecardOutcome = strawberry.field(description="With the simulated change.")
    changed: bool = strawberry.field(
        description="Whether the overall, its status, band or gate outcome would move."
    )

    @strawberry.field(description="The employee.")
    def employee(self) -> Employee:
        return Employee.of(self.row)


@strawberry.type(description="Simulated scorecards: changed first, then by name (`first` 1..100).")
class SimulatedScorecardConnection(Connection[SimulatedScorecard]):
    pass


def _bands(pairs: list[tuple[engine.Band, int]]) -> list[BandCount]:
    return [BandCount(band=band_out(b), count=n) for b, n in pairs]  # type: ignore[arg-type]


@strawberry.type(description="What a change would do to a period's scorecards; nothing written.")
class Simulation:
    sim: strawberry.Private[sims.Simulation]
    names: strawberry.Private[dict[uuid.UUID, EmployeeRow]]
    period: Period = strawberry.field(description="The period scored.")
    scorecard_count: int = strawberry.field(description="Scorecards the change can reach.")
    changed_count: int = strawberry.field(description="Scorecards whose outcome would move.")
    bands_before: list[BandCount] = strawberry.field(
        description="RATED scorecards per band as stored, every band, ascending."
    )
    bands_after: list[BandCount] = strawberry.field(
        description="RATED scorecards per band with the change, every band, ascending."
    )
    not_rated_before: int = strawberry.field(description="NOT_RATED scorecards as stored.")
    not_rated_after: int = strawberry.field(description="NOT_RATED scorecards with the change.")

    @classmethod
    def of(cls, sim: sims.Simulation, employees: dict[uuid.UUID, EmployeeRow]) -> Simulation:
        """Wrap a computed simulation (``employees``: the rows of its scorecards)."""
        before, not_rated_before = sim.distribution(after=False)
        after, not_rated_after = sim.distribution(after=True)
        return cls(
            sim=sim,
            names=employees,
            period=Period.of(sim.period),
            scorecard_count=len(sim.cards),
            changed_count=sum(c.changed for c in sim.cards),
            bands_before=_bands(before),
            bands_after=_bands(after),
            not_rated_before=not_rated_before,
            not_rated_after=not_rated_after,
        )

    def _key(self, card: sims.SimulatedCard) -> SortKey:
        return (0 if card.changed else 1, self.names[card.employee_id].name, str(card.employee_id))

    @strawberry.field(description="The scorecards, changed first, then by employee name.")
    def scorecards(
        self,
        first: int | None = None,
        after: str | None = None,
        changed_only: bool = False,
    ) -> SimulatedScorecardConnection:
        limit = check_first(first)
        cards = sorted((c for c in self.sim.cards if c.changed or not changed_only), key=self._key)
        start = 0
        if after is not None:
            rank, name, member = decode_cursor(after, [int, str, str])
            start = next(
                (i for i, c in enumerate(cards) if self._key(c) > (rank, name, member)), len(cards)
            )
        page = cards[start : start + limit]
        edges = [
            Edge(
                cursor=encode_cursor(list(self._key(c))),
                node=SimulatedScorecard(
                    row=self.names[c.employee_id],
                    before=ScorecardOutcome.of(c.before),
                    after=ScorecardOutcome.of(c.after),
                    changed=c.changed,
                ),
            )
            for c in page
        ]
        return SimulatedScorecardConnection(
            edges=edges,
            page_info=PageInfo(
                has_next_page=start + limit < len(cards),
                has_previous_page=after is not None,
                start_cursor=edges[0].cursor if edges else None,
                end_cursor=edges[-1].cursor if edges else None,
            ),
        )
