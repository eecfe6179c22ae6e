"""Item statuses (scoring.md §5), KRA / overall roll-ups, coverage and gates (§6), bands (§7)."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from kra_api.scoring.engine import (
    DEFAULT_BANDS,
    AnchorBasis,
    Anchors,
    AnchorScores,
    Band,
    Gate,
    GoalAssignment,
    GoalVersion,
    ItemInput,
    ItemStatus,
    KpiSpec,
    KpiUnit,
    KraInput,
    MinSample,
    RatingStatus,
    ScoringSettings,
    band_for,
    score_item,
    score_kra,
    score_scorecard,
)
from tests.scoring.support import Formula, goal, kpi

D = Decimal
SETTINGS = ScoringSettings()
SAMPLED = kpi(min_sample=MinSample("n", D(20)))
REL = GoalAssignment.single(
    GoalVersion("rel", Anchors.of(threshold=D("0.9"), target=D("1.1")), basis=AnchorBasis.RELATIVE)
)
ABS = goal("50", "100")


def item(
    key: str = "i",
    value: str | None = "75",
    weight: str = "100",
    goals: GoalAssignment | None = ABS,
    kpi_spec: KpiSpec | None = None,
    **extra: object,
) -> ItemInput:
    """An item valued ``value`` (None: no reading); default anchors 50/100 score v as v."""
    sums = {} if value is None else {"x": D(value), "n": D(25)}
    return ItemInput(
        key,
        kpi_spec or kpi(),
        weight=D(weight),
        goals=goals,
        sums=sums,
        **extra,  # type: ignore[arg-type]
    )


# ── §5 statuses, first that applies ──────────────────────────────────────────────────────────

DIV0 = KpiSpec("D", kpi().direction, Formula(lambda v: v["x"] / 0))


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        # no goal beats everything, even with no reading and a relative goal elsewhere
        (ItemInput("i", kpi(), weight=D(1)), ItemStatus.NO_GOAL),
        (ItemInput("i", kpi(), weight=D(1), sums={"x": D(80)}), ItemStatus.NO_GOAL),
        # no reading beats insufficient sample and no baseline
        (ItemInput("i", SAMPLED, weight=D(1), goals=REL), ItemStatus.NO_DATA),
        (ItemInput("i", DIV0, weight=D(1), goals=REL, sums={"x": D(1)}), ItemStatus.NO_DATA),
        # insufficient sample beats no baseline
        (
            ItemInput("i", SAMPLED, weight=D(1), goals=REL, sums={"x": D(80), "n": D(19)}),
            ItemStatus.INSUFFICIENT_SAMPLE,
        ),
        (
            ItemInput("i", SAMPLED, weight=D(1), goals=REL, sums={"x": D(80), "n": D(20)}),
            ItemStatus.NO_BASELINE,
        ),
        (
            ItemInput(
                "i", SAMPLED, weight=D(1), goals=REL, sums={"x": D(80), "n": D(20)}, baseline=D(80)
            ),
            ItemStatus.SCORED,
        ),
    ],
)
def test_status_order(case: ItemInput, expected: ItemStatus) -> None:
    result = score_item(case, SETTINGS)
    assert result.status is expected
    assert (result.score is None) == (expected is not ItemStatus.SCORED)


def test_insufficient_sample_shows_the_value_not_the_score() -> None:
    result = score_item(
        ItemInput("i", SAMPLED, weight=D(1), goals=ABS, sums={"x": D(80), "n": D(19)}), SETTINGS
    )
    assert result.status is ItemStatus.INSUFFICIENT_SAMPLE
    assert result.value == 80
    assert result.component_sums == {"x": 80, "n": 19}
    assert (result.score, result.segment, result.contribution) == (None, None, None)
    assert result.anchors == Anchors.of(threshold=50, target=100)  # still explained


def test_min_sample_component_absent_counts_as_zero() -> None:
    result = score_item(
        ItemInput("i", SAMPLED, weight=D(1), goals=ABS, sums={"x": D(80)}), SETTINGS
    )
    assert result.status is ItemStatus.INSUFFICIENT_SAMPLE


# ── §6 KRA score and coverage ───────────────────────────────────────────────────────────────


def test_kra_score_uses_only_scored_items() -> None:
    kra = KraInput("k", D(100), [item("a", "80", "60"), item("b", None, "40")])
    result = score_kra(kra, SETTINGS)
    # only a is SCORED: KRA = 80.00, coverage 60/100 = 0.6 ≥ 0.5 → RATED
    assert (result.score, result.status, result.coverage) == (
        D("80.00"),
        RatingStatus.RATED,
        Fraction(3, 5),
    )
    assert result.items[0].contribution == 80  # 60·80/60


def test_kra_below_coverage_is_not_rated() -> None:
    kra = KraInput("k", D(100), [item("a", "80", "40"), item("b", None, "60")])
    result = score_kra(kra, SETTINGS)
    # coverage 40/100 = 0.4 < 0.5 → NOT_RATED, no score; the SCORED item still shows its numbers
    assert (result.score, result.status, result.coverage) == (
        None,
        RatingStatus.NOT_RATED,
        Fraction(2, 5),
    )
    assert result.items[0].score == D("80.00")
    assert result.items[0].contribution == 80


@pytest.mark.parametrize(("minimum", "status"), [("0.4", "RATED"), ("0.41", "NOT_RATED")])
def test_kra_coverage_minimum_is_configurable_and_inclusive(minimum: str, status: str) -> None:
    kra = KraInput("k", D(100), [item("a", "80", "40"), item("b", None, "60")])
    result = score_kra(kra, ScoringSettings(kra_coverage_minimum=D(minimum)))
    assert result.status is RatingStatus(status)


def test_kra_score_is_computed_from_rounded_kpi_scores() -> None:
    # exact scores 50.005 → 50.01 and 50.000 → 50.00 (anchors 0/100 → 50 + v/2)
    anchors = goal("0", "100")
    kra = KraInput("k", D(1), [item("a", "0.01", "1", anchors), item("b", "0", "1", anchors)])
    result = score_kra(kra, SETTINGS)
    # from rounded: (50.01 + 50.00)/2 = 50.005 → 50.01; from exact it would be 50.0025 → 50.00
    assert [i.score for i in result.items] == [D("50.01"), D("50.00")]
    assert result.score == D("50.01")


def test_gates_do_not_weigh_in_the_kra() -> None:
    gate = ItemInput("g", kpi(unit=KpiUnit.COUNT), gate=Gate(maximum=D(0)), sums={"x": D(3)})
    result = score_kra(KraInput("k", D(1), [item("a", "90"), gate]), SETTINGS)
    assert (result.score, result.coverage) == (D("90.00"), Fraction(1))


def test_overall_reweights_the_rated_kras() -> None:
    kras = [
        KraInput("k1", D(40), [item("a", "80", "40"), item("b", None, "60")]),  # NOT_RATED
        KraInput("k2", D(30), [item("c", "100")]),  # 100.00
        KraInput("k3", D(30), [item("d", "110", goals=goal("50", "100", "120"))]),  # 110.00
    ]
    result = score_scorecard(kras, SETTINGS)
    # (30·100 + 30·110)/60 = 105.00; coverage 60/100 = 0.6
    assert (result.score, result.status, result.coverage) == (
        D("105.00"),
        RatingStatus.RATED,
        Fraction(3, 5),
    )
    assert result.band is not None
    assert result.band.level == 4


def test_overall_below_coverage_is_not_rated_with_gate_failed_still_reported() -> None:
    gate = ItemInput("g", kpi(unit=KpiUnit.COUNT), gate=Gate(maximum=D(0)), sums={"x": D(1)})
    kras = [
        KraInput("k1", D(60), [item("a", None), gate]),  # NOT_RATED (nothing scored)
        KraInput("k2", D(40), [item("b", "90")]),
    ]
    result = score_scorecard(kras, SETTINGS)
    # coverage 40/100 = 0.4 < 0.5
    assert (result.score, result.status, result.band) == (None, RatingStatus.NOT_RATED, None)
    assert result.coverage == Fraction(2, 5)
    assert result.gate_failed is True


def test_overall_coverage_minimum_is_configurable() -> None:
    kras = [KraInput("k1", D(60), [item("a", None)]), KraInput("k2", D(40), [item("b", "90")])]
    result = score_scorecard(kras, ScoringSettings(overall_coverage_minimum=D("0.4")))
    assert (result.score, result.status) == (D("90.00"), RatingStatus.RATED)


def test_empty_scorecard_is_not_rated() -> None:
    result = score_scorecard([], SETTINGS)
    assert (result.score, result.status, result.coverage, result.gate_failed) == (
        None,
        RatingStatus.NOT_RATED,
        Fraction(0),
        False,
    )


# ── §6 gates ────────────────────────────────────────────────────────────────────────────────


def gate_item(
    value: str | None,
    gate: Gate,
    unit: KpiUnit = KpiUnit.COUNT,
    min_sample: MinSample | None = None,
) -> ItemInput:
    sums = {} if value is None else {"x": D(value), "n": D(5)}
    return ItemInput("g", kpi(unit=unit, min_sample=min_sample), gate=gate, sums=sums)


@pytest.mark.parametrize(
    ("value", "gate", "passed"),
    [
        ("0", Gate(maximum=D(0)), True),
        ("1", Gate(maximum=D(0)), False),
        ("5", Gate(minimum=D(5)), True),  # bounds inclusive
        ("4.99", Gate(minimum=D(5)), False),
        ("7", Gate(minimum=D(5), maximum=D(7)), True),
        ("7.01", Gate(minimum=D(5), maximum=D(7)), False),
        ("1000", Gate(), True),  # no bounds at all
    ],
)
def test_gate_bounds(value: str, gate: Gate, passed: bool) -> None:
    result = score_item(gate_item(value, gate), SETTINGS)
    assert (result.status, result.gate_passed) == (ItemStatus.SCORED, passed)
    assert (result.weight, result.score, result.contribution) == (None, None, None)


@pytest.mark.parametrize(
    ("gate", "passed"),
    [
        (Gate(maximum=D(0)), True),  # 0 <= 0
        (Gate(minimum=D(0), maximum=D(2)), True),
        (Gate(minimum=D(1)), False),  # 0 < 1
    ],
)
def test_count_gate_without_reading_counts_as_zero(gate: Gate, passed: bool) -> None:
    result = score_item(gate_item(None, gate), SETTINGS)
    assert (result.value, result.gate_passed, result.status) == (
        Fraction(0),
        passed,
        ItemStatus.SCORED,
    )


def test_other_gate_without_value_is_unknown_and_does_not_fail() -> None:
    gate = gate_item(None, Gate(minimum=D(90)), unit=KpiUnit.PERCENT)
    result = score_item(gate, SETTINGS)
    assert (result.status, result.value, result.gate_passed) == (ItemStatus.NO_DATA, None, None)
    card = score_scorecard([KraInput("k", D(1), [item("a", "90"), gate])], SETTINGS)
    assert (card.gate_failed, card.score) == (False, D("90.00"))


def test_gate_division_by_zero_is_unknown_even_for_count() -> None:
    spec = KpiSpec("D", kpi().direction, Formula(lambda v: v["x"] / 0), KpiUnit.COUNT)
    gate = ItemInput("g", spec, gate=Gate(maximum=D(0)), sums={"x": D(1)})
    assert score_item(gate, SETTINGS).gate_passed is None


def test_gate_with_insufficient_sample_is_unknown() -> None:
    gate = gate_item("50", Gate(minimum=D(90)), KpiUnit.PERCENT, MinSample("n", D(10)))
    result = score_item(gate, SETTINGS)
    assert (result.status, result.value, result.gate_passed) == (
        ItemStatus.INSUFFICIENT_SAMPLE,
        Fraction(50),
        None,
    )


def test_gate_needs_no_goal() -> None:
    result = score_item(gate_item("0", Gate(maximum=D(0))), SETTINGS)
    assert (result.status, result.goals, result.anchors) == (ItemStatus.SCORED, (), None)


def test_failed_gate_never_raises_a_lower_overall() -> None:
    gate = gate_item("3", Gate(maximum=D(0)))
    card = score_scorecard([KraInput("k", D(1), [item("a", "70"), gate])], SETTINGS)
    # min(70.00, 80) = 70.00, band 2
    assert (card.score, card.gate_failed) == (D("70.00"), True)
    assert card.band is not None
    assert card.band.level == 2


# ── §7 bands ────────────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    ("score", "level"),
    [
        ("0", 1),
        ("59.99", 1),
        ("60", 2),
        ("84.99", 2),
        ("85", 3),
        ("104.99", 3),
        ("105", 4),
        ("114.99", 4),
        ("115", 5),
        ("120", 5),
    ],
)
def test_default_bands(score: str, level: int) -> None:
    assert band_for(D(score), DEFAULT_BANDS).level == level


def test_default_band_labels() -> None:
    assert [(b.level, b.label, b.min_score) for b in DEFAULT_BANDS] == [
        (1, "Unsatisfactory", D(0)),
        (2, "Needs improvement", D(60)),
        (3, "Meets expectations", D(85)),
        (4, "Exceeds expectations", D(105)),
        (5, "Outstanding", D(115)),
    ]


def test_custom_bands_and_anchor_scores() -> None:
    bands = (Band(1, "Below", D(0)), Band(2, "At", D(90)), Band(3, "Above", D("125.5")))
    settings = ScoringSettings(
        anchor_scores=AnchorScores(threshold=D(40), target=D(100), stretch=D(150)), bands=bands
    )
    kras = [KraInput("k", D(1), [item("a", "90", goals=goal("75", "85", "95"))])]
    card = score_scorecard(kras, settings)
    # 100 + (90-85)/10·(150-100) = 125.00 → band "At" (125 < 125.5)
    assert card.score == D("125.00")
    assert card.band == bands[1]
    kras = [KraInput("k", D(1), [item("a", "95", goals=goal("75", "85", "95"))])]
    card = score_scorecard(kras, settings)
    assert (card.score, card.band) == (D("150.00"), bands[2])


@pytest.mark.parametrize(
    "bands",
    [
        (),
        (Band(1, "a", D(10)),),
        (Band(1, "a", D(0)), Band(2, "b", D(50)), Band(3, "c", D(50))),
    ],
)
def test_invalid_bands_are_refused(bands: tuple[Band, ...]) -> None:
    with pytest.raises(ValueError, match="band"):
        ScoringSettings(bands=bands)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"kra_coverage_minimum": D(0)},
        {"kra_coverage_minimum": D("1.01")},
        {"overall_coverage_minimum": D("-0.5")},
        {"gate_cap": D(-1)},
    ],
)
def test_invalid_settings_are_refused(kwargs: dict[str, Decimal]) -> None:
    with pytest.raises(ValueError, match="must"):
        ScoringSettings(**kwargs)  # type: ignore[arg-type]


def test_item_needs_exactly_one_of_weight_and_gate() -> None:
    with pytest.raises(ValueError, match="exactly one"):
        ItemInput("i", kpi())
    with pytest.raises(ValueError, match="exactly one"):
        ItemInput("i", kpi(), weight=D(1), gate=Gate())
    with pytest.raises(ValueError, match="positive"):
        ItemInput("i", kpi(), weight=D(0))
    with pytest.raises(ValueError, match="positive"):
        KraInput("k", D(-1), [])
