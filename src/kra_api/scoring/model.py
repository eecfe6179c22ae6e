"""Data of the scoring engine: settings, inputs and the explained result tree (scoring.md §5, §10).

Frozen dataclasses only. Inputs take ``Decimal`` (or ``Fraction``/``int``); results keep exact
``Fraction`` for values, anchors, coverages and contributions, and ``Decimal`` for the scores that
the spec rounds to 2 decimals.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from .aggregate import DEFAULT_BANDS, Band, Gate, RatingStatus, check_bands
from .anchors import Anchors, AnchorScores, Direction, ScoringMode, Segment
from .exact import Exact, Fraction, quantize_value, to_fraction
from .goals import GoalAssignment, GoalDays, RevisionMode
from .values import FormulaLike, MinSample


class ItemStatus(StrEnum):
    """Why an item has (or lacks) a score; the first that applies, in declaration order (§5)."""

    NO_GOAL = "NO_GOAL"
    NO_DATA = "NO_DATA"
    INSUFFICIENT_SAMPLE = "INSUFFICIENT_SAMPLE"
    NO_BASELINE = "NO_BASELINE"
    SCORED = "SCORED"


class KpiUnit(StrEnum):
    """Unit of a KPI; only COUNT changes scoring (a COUNT gate without reading is 0)."""

    SECONDS = "SECONDS"
    PERCENT = "PERCENT"
    RATIO = "RATIO"
    COUNT = "COUNT"
    CURRENCY = "CURRENCY"
    POINTS = "POINTS"


@dataclass(frozen=True)
class ScoringSettings:
    """An organization's scoring settings (defaults from scoring.md)."""

    anchor_scores: AnchorScores = field(default_factory=AnchorScores)
    kra_coverage_minimum: Decimal = Decimal("0.5")
    overall_coverage_minimum: Decimal = Decimal("0.5")
    gate_cap: Decimal = Decimal(80)
    bands: tuple[Band, ...] = DEFAULT_BANDS
    revision_mode: RevisionMode = RevisionMode.PRORATE

    def __post_init__(self) -> None:
        for name in ("kra_coverage_minimum", "overall_coverage_minimum"):
            if not 0 < to_fraction(getattr(self, name)) <= 1:
                raise ValueError(f"{name} must be in (0, 1]")
        if to_fraction(self.gate_cap) < 0:
            raise ValueError("gate_cap must be >= 0")
        check_bands(self.bands)


@dataclass(frozen=True)
class KpiSpec:
    """What the engine needs of a KPI definition."""

    code: str
    direction: Direction
    formula: FormulaLike
    unit: KpiUnit = KpiUnit.PERCENT
    min_sample: MinSample | None = None


@dataclass(frozen=True)
class ItemInput:
    """One KRA item: a weight or a gate, its goals, the period's component sums and the baseline.

    ``sums`` None or empty means no reading in the period. ``baseline`` is the previous period's
    value, None when there is none or it misses the min sample (see ``baseline_value``).
    """

    key: Hashable
    kpi: KpiSpec
    weight: Decimal | None = None
    gate: Gate | None = None
    goals: GoalAssignment | None = None
    sums: Mapping[str, Exact] | None = None
    baseline: Exact | None = None

    def __post_init__(self) -> None:
        if (self.weight is None) == (self.gate is None):
            raise ValueError(f"item {self.key!r} needs exactly one of weight and gate")
        if self.weight is not None and to_fraction(self.weight) <= 0:
            raise ValueError(f"item {self.key!r} weight must be positive")


@dataclass(frozen=True)
class KraInput:
    """A KRA: its weight and items (weighted ones and gates)."""

    key: Hashable
    weight: Decimal
    items: Sequence[ItemInput]

    def __post_init__(self) -> None:
        if to_fraction(self.weight) <= 0:
            raise ValueError(f"KRA {self.key!r} weight must be positive")


@dataclass(frozen=True)
class ItemResult:
    """Every number behind an item (§10): exact Fractions unless rounded by the spec."""

    key: Hashable
    kpi_code: str
    weight: Decimal | None
    gate: Gate | None
    status: ItemStatus
    value: Fraction | None
    component_sums: Mapping[str, Fraction]
    baseline: Fraction | None
    anchors: Anchors | None
    mode: ScoringMode | None
    goals: tuple[GoalDays, ...]
    segment: Segment | None
    score: Decimal | None
    contribution: Fraction | None
    gate_passed: bool | None

    @property
    def value_output(self) -> Decimal | None:
        """The value as output: 6 decimals, half-up."""
        return None if self.value is None else quantize_value(self.value)


@dataclass(frozen=True)
class KraResult:
    """A KRA's rounded score (None when NOT_RATED), coverage and item results."""

    key: Hashable
    weight: Decimal
    score: Decimal | None
    status: RatingStatus
    coverage: Fraction
    items: tuple[ItemResult, ...]


@dataclass(frozen=True)
class ScorecardResult:
    """The overall score after any gate cap, its coverage, band and the KRA results."""

    score: Decimal | None
    uncapped_score: Decimal | None
    status: RatingStatus
    coverage: Fraction
    band: Band | None
    gate_failed: bool
    kras: tuple[KraResult, ...]
