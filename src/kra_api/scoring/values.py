"""KPI values (scoring.md §2): a formula applied exactly to the period's component aggregates.

The engine never parses formulas; it takes any object with an ``evaluate`` method (``FormulaLike``),
so the project's parser plugs in here and tests can use a plain lambda wrapper.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from .exact import Exact, Fraction, decimal_fraction, to_fraction


class FormulaLike(Protocol):
    """A parsed KPI formula: exact evaluation over component values; ZeroDivisionError on x / 0."""

    def evaluate(self, values: Mapping[str, Fraction]) -> Fraction:
        """Evaluate the formula over the component aggregates."""
        ...


@dataclass(frozen=True)
class MinSample:
    """A KPI's minimum sample: the aggregate of ``component`` must be at least ``minimum``."""

    component: str
    minimum: Decimal


def exact_sums(sums: Mapping[str, Exact]) -> dict[str, Fraction]:
    """Component aggregates as Fractions (floats refused)."""
    return {
        name: decimal_fraction(v) if type(v) is Decimal else to_fraction(v)
        for name, v in sums.items()
    }


def kpi_value(formula: FormulaLike, sums: Mapping[str, Exact]) -> Fraction | None:
    """The KPI value over the component aggregates, exact; None on a division by zero (NO_DATA)."""
    return exact_value(formula, exact_sums(sums))


def exact_value(formula: FormulaLike, sums: Mapping[str, Fraction]) -> Fraction | None:
    """``kpi_value`` over aggregates already converted by ``exact_sums`` (not converted again)."""
    try:
        return to_fraction(formula.evaluate(sums))
    except ZeroDivisionError:
        return None


def sample_met(min_sample: MinSample | None, sums: Mapping[str, Exact]) -> bool:
    """Whether the min-sample component's aggregate reaches the minimum (no rule: always met)."""
    if min_sample is None:
        return True
    # A component absent from the aggregates had no delivery in the period: its aggregate is 0.
    aggregate = to_fraction(sums.get(min_sample.component, 0))
    return aggregate >= to_fraction(min_sample.minimum)


def baseline_value(
    formula: FormulaLike, sums: Mapping[str, Exact] | None, min_sample: MinSample | None
) -> Fraction | None:
    """A baseline computed live from the previous period's aggregates; None when unusable.

    Unusable means no reading, a division by zero, or the min sample not met (scoring.md §3). A
    baseline ≤ 0 is returned as is: the item reports it and gets NO_BASELINE.
    """
    if not sums or not sample_met(min_sample, sums):
        return None
    return kpi_value(formula, sums)
