"""Test-only helpers: a lambda-backed formula and the KPIs / KRA set of scoring.md §11."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from fractions import Fraction

from kra_api.scoring.engine import (
    Anchors,
    Direction,
    Gate,
    GoalAssignment,
    GoalVersion,
    ItemInput,
    KpiSpec,
    KpiUnit,
    KraInput,
    MinSample,
    ScoringMode,
)

D = Decimal
F = Fraction


class Formula:
    """Wraps a lambda as a FormulaLike; Fraction division raises ZeroDivisionError on x / 0."""

    def __init__(self, fn: Callable[[Mapping[str, Fraction]], Fraction]) -> None:
        self._fn = fn

    def evaluate(self, values: Mapping[str, Fraction]) -> Fraction:
        return self._fn(values)


def ratio(num: str, den: str, scale: int = 1) -> Formula:
    """num / den * scale."""
    return Formula(lambda v: v[num] / v[den] * scale)


IDENTITY = Formula(lambda v: v["x"])
"""A KPI whose value is its only component ``x``: handy to feed a chosen value."""

CSAT = KpiSpec(
    "CSAT",
    Direction.HIGHER_IS_BETTER,
    ratio("positive", "responses", 100),
    KpiUnit.PERCENT,
    MinSample("responses", D(20)),
)
FCR = KpiSpec(
    "FCR", Direction.HIGHER_IS_BETTER, ratio("resolved_first_contact", "first_contacts", 100)
)
AHT = KpiSpec("AHT", Direction.LOWER_IS_BETTER, ratio("handle_seconds", "handled"), KpiUnit.SECONDS)
ADH = KpiSpec(
    "ADH", Direction.HIGHER_IS_BETTER, ratio("adherent_minutes", "scheduled_minutes", 100)
)
QA = KpiSpec(
    "QA",
    Direction.HIGHER_IS_BETTER,
    ratio("points_earned", "points_possible", 100),
    KpiUnit.PERCENT,
    MinSample("evaluations", D(4)),
)
COMPLIANCE = KpiSpec(
    "COMPLIANCE", Direction.LOWER_IS_BETTER, Formula(lambda v: v["failures"]), KpiUnit.COUNT
)


def kpi(
    direction: Direction = Direction.HIGHER_IS_BETTER,
    unit: KpiUnit = KpiUnit.PERCENT,
    min_sample: MinSample | None = None,
    code: str = "X",
) -> KpiSpec:
    """A KPI valued by its component ``x``."""
    return KpiSpec(code, direction, IDENTITY, unit, min_sample)


def goal(
    threshold: str,
    target: str,
    stretch: str | None = None,
    *,
    mode: ScoringMode = ScoringMode.LINEAR,
    gid: str = "g",
    days: int = 30,
) -> GoalAssignment:
    """One absolute version governing ``days`` days."""
    anchors = Anchors.of(
        threshold=D(threshold), target=D(target), stretch=None if stretch is None else D(stretch)
    )
    return GoalAssignment.single(GoalVersion(gid, anchors, mode), days)


def example_kras(
    *,
    csat: tuple[int, int] = (46, 52),
    fcr: tuple[int, int] = (310, 430),
    adherence: tuple[int, int] = (9016, 9600),
    failures: int = 0,
) -> list[KraInput]:
    """The agent KRA set of §11 with Example A's month unless overridden."""
    return [
        KraInput(
            "CX",
            D(40),
            [
                ItemInput(
                    "CSAT",
                    CSAT,
                    weight=D(60),
                    goals=goal("75", "85", "95", gid="g-csat"),
                    sums={"positive": D(csat[0]), "responses": D(csat[1])},
                ),
                ItemInput(
                    "FCR",
                    FCR,
                    weight=D(40),
                    goals=goal("65", "72", "80", gid="g-fcr"),
                    sums={"resolved_first_contact": D(fcr[0]), "first_contacts": D(fcr[1])},
                ),
            ],
        ),
        KraInput(
            "EFF",
            D(30),
            [
                ItemInput(
                    "AHT",
                    AHT,
                    weight=D(70),
                    goals=goal("420", "360", "300", gid="g-aht"),
                    sums={"handle_seconds": D(129000), "handled": D(380)},
                ),
                ItemInput(
                    "ADH",
                    ADH,
                    weight=D(30),
                    goals=goal("85", "92", "97", gid="g-adh"),
                    sums={
                        "adherent_minutes": D(adherence[0]),
                        "scheduled_minutes": D(adherence[1]),
                    },
                ),
            ],
        ),
        KraInput(
            "QUAL",
            D(30),
            [
                ItemInput(
                    "QA",
                    QA,
                    weight=D(100),
                    goals=goal("80", "88", "95", gid="g-qa"),
                    sums={"points_earned": D(450), "points_possible": D(500), "evaluations": D(5)},
                ),
                ItemInput(
                    "COMPLIANCE",
                    COMPLIANCE,
                    gate=Gate(maximum=D(0)),
                    sums={"failures": D(failures)},
                ),
            ],
        ),
    ]
