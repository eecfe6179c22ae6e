"""Baselines read from finalized snapshots (scoring.md §3): the previous period's value of a KPI
as frozen in the employee's FINALIZED (or ACKNOWLEDGED) evaluation, when there is one.

The snapshot keeps each item's component sums exactly, so the baseline is the KPI's formula over
them, subject to the min sample, exactly as a live baseline would be over the readings then.
"""

from __future__ import annotations

import uuid
from collections.abc import Hashable, Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from kra_api.evaluations.repository import frozen_snapshots
from kra_api.models import Period
from kra_api.scoring.engine import baseline_value
from kra_api.scoring.exact import Fraction
from kra_api.scoring.kpis import KpiInfo


def _frozen_sums(snapshot: dict[str, Any], kpi_id: uuid.UUID, scope: str) -> dict[str, Any] | None:
    """The component sums of the KPI for that scope in a snapshot (None: not in it)."""
    for kra in snapshot["kras"]:
        for item in kra["items"]:
            if item["kpiId"] == str(kpi_id) and item["scope"] == scope:
                return {n: Fraction(v) for n, v in item["componentSums"].items()}
    return None


async def frozen_baselines(
    session: AsyncSession,
    previous: Period,
    wanted: Sequence[tuple[Hashable, uuid.UUID, str, KpiInfo]],
) -> dict[Hashable, Fraction | None]:
    """Baselines of (key, employee, item scope, KPI) found in the previous period's finalized
    snapshots, in one statement; keys without a snapshot holding that KPI are left out."""
    employees = sorted({employee for _, employee, _, _ in wanted})
    snapshots = await frozen_snapshots(session, previous.organization_id, previous.id, employees)
    found: dict[Hashable, Fraction | None] = {}
    for key, employee, scope, kpi in wanted:
        rev = snapshots.get(employee)
        sums = None if rev is None else _frozen_sums(rev.snapshot, kpi.id, scope)
        if sums is not None:
            found[key] = baseline_value(kpi.spec.formula, sums, kpi.spec.min_sample)
    return found
