"""SQL fragments that sum readings' components a column per component.

Every reading stores its component values as a NUMERIC array in its KPI's component order
(``kpi_reading.component_values``, migration 20261129): readings must carry exactly their KPI's
components (readings/schemas.py) and a KPI's components are locked once it has readings
(catalog/service.py), so position ``i`` is the same component in every reading of a KPI. Summing
``component_values[i]`` costs PostgreSQL about a quarter less than looking each component up by
name in the ``components`` JSON object, and half as much as a row per component (``jsonb_each``).

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
def sum_columns(width: int) -> str:
    """Each component's exact sum over the group of readings ``r``, a column each (NULL for a
    component no reading has, and for the padding past a KPI's last one): plain columns cost
    less to build and to decode than an array."""
    return ", ".join(f"sum(r.component_values[{i + 1}])" for i in range(width))


@cache
def totals(width: int) -> str:
    """An array of each component's exact sum over the group of readings ``r`` (0 for a
    component no reading has, and for the padding past a KPI's last component)."""
    sums = ", ".join(f"coalesce(sum(r.component_values[{i + 1}]), 0)" for i in range(width))
    return f"ARRAY[{sums}]"
