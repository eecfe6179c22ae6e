"""What-if runs: the scorecards of a period scored as stored and with overrides, side by side.

Both runs use the set-based scoring service (a constant number of statements whatever the
number of employees). The transaction is made READ ONLY first, so PostgreSQL itself refuses
any write a simulation might attempt; the override rows are never added to the session.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from kra_api.models import Organization, Period
from kra_api.scoring.engine import Band, RatingStatus, ScorecardResult
from kra_api.scoring.org_settings import bands_of
from kra_api.scoring.overrides import Overrides
from kra_api.scoring.service import score_period

_PEOPLE = text(
    """
    WITH RECURSIVE down(id, depth) AS (
        SELECT CAST(:unit AS uuid), 0 WHERE CAST(:unit AS uuid) IS NOT NULL
        UNION ALL
        SELECT u.id, down.depth + 1
        FROM org_unit u JOIN down ON u.organization_id = :org AND u.parent_id = down.id
        WHERE down.depth < 64
    )
    SELECT DISTINCT a.employee_id FROM assignment a
    WHERE a.organization_id = :org AND a.effective_from < :end
      AND (a.effective_to IS NULL OR a.effective_to > :start)
      AND (a.role_id = :role OR a.employee_id = :employee OR a.org_unit_id IN (SELECT id FROM down))
    ORDER BY a.employee_id
    """
)


@dataclass(frozen=True)
class SimulatedCard:
    """One employee's scorecard of the period as stored (``before``) and with the overrides."""

    employee_id: uuid.UUID
    before: ScorecardResult
    after: ScorecardResult

    @property
    def changed(self) -> bool:
        """Whether the overall, its status, band or gate outcome would move."""
        b, a = self.before, self.after
        return (b.score, b.status, b.band, b.gate_failed) != (
            a.score,
            a.status,
            a.band,
            a.gate_failed,
        )


@dataclass(frozen=True)
class Simulation:
    """The affected employees' scorecards before and after, and the band distributions."""

    period: Period
    cards: list[SimulatedCard]
    bands: tuple[Band, ...]

    def distribution(self, after: bool) -> tuple[list[tuple[Band, int]], int]:
        """RATED scorecards per band (ascending) and the NOT_RATED count."""
        counts = {b.level: 0 for b in self.bands}
        not_rated = 0
        for card in self.cards:
            result = card.after if after else card.before
            if result.status is RatingStatus.RATED and result.band is not None:
                counts[result.band.level] = counts.get(result.band.level, 0) + 1
            else:
                not_rated += 1
        return [(b, counts[b.level]) for b in self.bands], not_rated


async def people_in_scope(
    session: AsyncSession,
    org_id: uuid.UUID,
    period: Period,
    *,
    role: uuid.UUID | None = None,
    unit: uuid.UUID | None = None,
    employee: uuid.UUID | None = None,
) -> list[uuid.UUID]:
    """Employees assigned on some day of the period with the role, in the unit's subtree, or
    the employee: whoever a goal or KRA set of that scope can reach (one statement)."""
    params = {
        "org": org_id,
        "start": period.start_date,
        "end": period.end_date,
        "role": role,
        "unit": unit,
        "employee": employee,
    }
    return [row[0] for row in await session.execute(_PEOPLE, params)]


async def simulate(
    session: AsyncSession,
    org: Organization,
    period: Period,
    employee_ids: Sequence[uuid.UUID],
    overrides: Overrides,
    *,
    role_at_end: uuid.UUID | None = None,
) -> Simulation:
    """Score the employees as stored and with ``overrides``; nothing is written. With
    ``role_at_end``, only scorecards scored on that role (the role a KRA set belongs to)."""
    await session.execute(text("SET TRANSACTION READ ONLY"))
    ids = list(employee_ids)
    if not ids:
        return Simulation(period, [], bands_of(org))
    before = await score_period(session, org, period, ids)
    after = await score_period(session, org, period, ids, overrides=overrides)
    cards = [
        SimulatedCard(e, before.cards[e].result, after.cards[e].result)
        for e in ids
        if role_at_end is None or before.cards[e].role_id == role_at_end
    ]
    return Simulation(period, cards, bands_of(org))
