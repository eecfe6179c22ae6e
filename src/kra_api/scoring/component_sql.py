"""SQL fragments that sum readings' components a column per component.

Every reading carries exactly its KPI's components (readings/schemas.py), and a KPI's
components are locked once it has readings (catalog/service.py), so the names can come from
the KPI row: ``r.components->>k.n1`` per column, one aggregate row per reading group. Expanding
each reading into a row per component instead (``jsonb_each``) costs PostgreSQL about twice as
much on a month of an organization's readings.

The texts depend only on ``width`` (the most components of a KPI involved, at most
catalog.schemas.MAX_COMPONENTS), never on input, and are cached per width.
"""

from __future__ import annotations

from collections.abc import Collection
from functools import cache

from kra_api.scoring.kpis import KpiInfo


def width_of(kpis: Collection[KpiInfo]) -> int:
    """The number of component columns the KPIs need."""
    return max((len(k.aggregations) for k in kpis), default=1)


@cache
def kpi_names(width: int, where: str) -> str:
    """A subquery to join as ``k``: each KPI's id and its component names ``n1``..``nW`` (NULL
    past its last component), for the KPIs matching ``where`` (a constant condition). Inline,
    not a CTE: a CTE scan would keep PostgreSQL from aggregating in parallel."""
    columns = ", ".join(f"components->{i}->>'name' AS n{i + 1}" for i in range(width))
    return f"(SELECT id, {columns} FROM kpi WHERE {where})"  # noqa: S608 - constant fragments


@cache
def sum_columns(width: int) -> str:
    """Each component's exact sum over the group of readings ``r`` joined to ``k``, a column
    each (NULL for a component no reading has, and for the padding past a KPI's last one):
    plain columns cost less to build and to decode than an array."""
    return ", ".join(f"sum((r.components->k.n{i + 1})::numeric)" for i in range(width))


@cache
def totals(width: int) -> str:
    """An array of each component's exact sum over the group of readings ``r`` joined to ``k``
    (0 for a component no reading has, and for the padding past a KPI's last component)."""
    sums = ", ".join(f"coalesce(sum((r.components->k.n{i + 1})::numeric), 0)" for i in range(width))
    return f"ARRAY[{sums}]"
