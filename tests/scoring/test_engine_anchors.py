"""KPI score rules (scoring.md §3-§4): LINEAR / STEP for every direction, segments, caps."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from kra_api.scoring.engine import (
    Anchors,
    AnchorScores,
    Direction,
    ScoringMode,
    Segment,
    check_anchors,
    quantize_score,
    score_cap,
    score_value,
)

D = Decimal
HIB, LIB, RANGE = Direction.HIGHER_IS_BETTER, Direction.LOWER_IS_BETTER, Direction.IN_RANGE
LIN, STEP = ScoringMode.LINEAR, ScoringMode.STEP
BT, TT, TS, CAP = (
    Segment.BELOW_THRESHOLD,
    Segment.THRESHOLD_TO_TARGET,
    Segment.TARGET_TO_STRETCH,
    Segment.CAPPED,
)
ON, ABOVE = Segment.ON_TARGET_BAND, Segment.ABOVE_RANGE_BAND
DEFAULT = AnchorScores()

CSAT_ANCHORS = Anchors.of(threshold=D(75), target=D(85), stretch=D(95))
NO_STRETCH = Anchors.of(threshold=D(75), target=D(85))
AHT_ANCHORS = Anchors.of(threshold=D(420), target=D(360), stretch=D(300))
OCC_ANCHORS = Anchors.of(
    low_threshold=D(70), low_target=D(75), high_target=D(80), high_threshold=D(85)
)


def score(
    value: str, anchors: Anchors, direction: Direction, mode: ScoringMode = LIN
) -> tuple[Decimal, Segment]:
    exact, segment = score_value(Fraction(value), anchors, direction, mode, DEFAULT)
    return quantize_score(exact), segment


@pytest.mark.parametrize(
    ("value", "expected", "segment"),
    [
        ("70", "0.00", BT),  # below threshold
        ("74.99", "0.00", BT),
        ("75", "50.00", TT),  # exactly on threshold → threshold score
        ("80", "75.00", TT),  # 50 + 5/10·50
        ("85", "100.00", TS),  # exactly on target → target score
        ("90", "110.00", TS),  # 100 + 5/10·20
        ("95", "120.00", CAP),  # exactly on stretch → stretch score
        ("99", "120.00", CAP),  # capped
    ],
)
def test_higher_linear(value: str, expected: str, segment: Segment) -> None:
    assert score(value, CSAT_ANCHORS, HIB) == (D(expected), segment)


@pytest.mark.parametrize(
    ("value", "expected", "segment"),
    [
        ("74", "0.00", BT),
        ("80", "75.00", TT),
        ("85", "100.00", CAP),  # no stretch: target reached is the cap
        ("120", "100.00", CAP),
    ],
)
def test_higher_linear_without_stretch(value: str, expected: str, segment: Segment) -> None:
    assert score(value, NO_STRETCH, HIB) == (D(expected), segment)


@pytest.mark.parametrize(
    ("value", "expected", "segment"),
    [
        ("74.999", "0.00", BT),
        ("75", "50.00", TT),  # highest anchor reached: threshold
        ("84.9", "50.00", TT),
        ("85", "100.00", TS),
        ("94.99", "100.00", TS),
        ("95", "120.00", CAP),
    ],
)
def test_higher_step(value: str, expected: str, segment: Segment) -> None:
    assert score(value, CSAT_ANCHORS, HIB, STEP) == (D(expected), segment)


def test_higher_step_without_stretch() -> None:
    assert score("200", NO_STRETCH, HIB, STEP) == (D(100), CAP)


@pytest.mark.parametrize(
    ("value", "expected", "segment"),
    [
        ("430", "0.00", BT),  # worse than the threshold
        ("420", "50.00", TT),
        ("390", "75.00", TT),  # negated: 50 + 30/60·50
        ("360", "100.00", TS),
        ("330", "110.00", TS),  # 100 + 30/60·20
        ("300", "120.00", CAP),
        ("250", "120.00", CAP),
    ],
)
def test_lower_linear(value: str, expected: str, segment: Segment) -> None:
    assert score(value, AHT_ANCHORS, LIB) == (D(expected), segment)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("421", "0.00"), ("400", "50.00"), ("360", "100.00"), ("301", "100.00"), ("300", "120.00")],
)
def test_lower_step(value: str, expected: str) -> None:
    assert score(value, AHT_ANCHORS, LIB, STEP)[0] == D(expected)


@pytest.mark.parametrize(
    ("value", "expected", "segment"),
    [
        ("69.99", "0.00", BT),  # strictly below the low threshold
        ("70", "50.00", TT),  # on a threshold → threshold score; rising edge is THRESHOLD_TO_TARGET
        ("72.5", "75.00", TT),  # 50 + 2.5/5·50
        ("75", "100.00", ON),
        ("78", "100.00", ON),
        ("80", "100.00", ON),
        ("82.5", "75.00", ABOVE),  # falling edge: 100 - 2.5/5·50
        ("85", "50.00", ABOVE),  # on the high threshold → threshold score
        ("85.01", "0.00", BT),  # strictly above the high threshold
    ],
)
def test_in_range_linear(value: str, expected: str, segment: Segment) -> None:
    assert score(value, OCC_ANCHORS, RANGE) == (D(expected), segment)


@pytest.mark.parametrize(
    ("value", "expected", "segment"),
    [
        ("69", "0.00", BT),
        ("70", "50.00", TT),
        ("74.9", "50.00", TT),
        ("75", "100.00", ON),
        ("80", "100.00", ON),
        ("80.1", "50.00", ABOVE),
        ("85", "50.00", ABOVE),
        ("86", "0.00", BT),
    ],
)
def test_in_range_step(value: str, expected: str, segment: Segment) -> None:
    assert score(value, OCC_ANCHORS, RANGE, STEP) == (D(expected), segment)


def test_in_range_with_equal_targets() -> None:
    anchors = Anchors.of(low_threshold=70, low_target=80, high_target=80, high_threshold=90)
    assert score("80", anchors, RANGE) == (D(100), ON)
    assert score("85", anchors, RANGE) == (D(75), ABOVE)


def test_custom_anchor_scores() -> None:
    scores = AnchorScores(threshold=D(40), target=D(100), stretch=D(150))
    # 40 + 5/10·60 = 70; 100 + 5/10·50 = 125; capped at stretch score 150
    for value, expected in (("75", 40), ("80", 70), ("90", 125), ("95", 150), ("100", 150)):
        exact, _ = score_value(Fraction(value), CSAT_ANCHORS, HIB, LIN, scores)
        assert exact == expected
    exact, _ = score_value(Fraction(78), OCC_ANCHORS, RANGE, LIN, scores)
    assert exact == 100
    exact, _ = score_value(Fraction(85), OCC_ANCHORS, RANGE, LIN, scores)
    assert exact == 40


def test_caps() -> None:
    assert score_cap(CSAT_ANCHORS, HIB, DEFAULT) == 120  # stretch score
    assert score_cap(NO_STRETCH, HIB, DEFAULT) == 100  # target score without a stretch
    assert score_cap(OCC_ANCHORS, RANGE, DEFAULT) == 100  # IN_RANGE: target score
    assert score_cap(CSAT_ANCHORS, HIB, AnchorScores(D(50), D(100), D(130))) == 130


def test_kpi_score_is_exact_then_rounded_half_up() -> None:
    anchors = Anchors.of(threshold=0, target=100)
    # 50 + 0.01/100·50 = 50.005 exactly → 50.01 (half-up, no float drift)
    exact, _ = score_value(Fraction("0.01"), anchors, HIB, LIN, DEFAULT)
    assert exact == Fraction("50.005")
    assert quantize_score(exact) == D("50.01")
    # 1/3 of the way: 50 + 50/3 = 66.666… → 66.67
    exact, _ = score_value(Fraction(100, 3), anchors, HIB, LIN, DEFAULT)
    assert quantize_score(exact) == D("66.67")


def test_value_on_an_anchor_computed_exactly_hits_it() -> None:
    # 255/3 = 85 exactly: a rational formula result lands on the target, not next to it.
    exact, segment = score_value(Fraction(255, 3), CSAT_ANCHORS, HIB, LIN, DEFAULT)
    assert (exact, segment) == (Fraction(100), TS)


@pytest.mark.parametrize(
    ("anchors", "direction"),
    [
        (Anchors.of(threshold=85, target=85), HIB),
        (Anchors.of(threshold=75, target=85, stretch=80), HIB),
        (Anchors.of(threshold=300, target=360, stretch=420), LIB),
        (Anchors.of(threshold=75), HIB),
        (Anchors.of(low_threshold=70, low_target=75, high_target=80), RANGE),
        (Anchors.of(low_threshold=75, low_target=75, high_target=80, high_threshold=85), RANGE),
        (Anchors.of(low_threshold=70, low_target=81, high_target=80, high_threshold=85), RANGE),
    ],
)
def test_invalid_anchors_are_refused(anchors: Anchors, direction: Direction) -> None:
    with pytest.raises(ValueError, match="needs"):
        check_anchors(anchors, direction)


def test_anchor_scores_must_ascend() -> None:
    with pytest.raises(ValueError, match="threshold < target < stretch"):
        AnchorScores(threshold=D(50), target=D(120), stretch=D(120))


def test_floats_are_refused() -> None:
    with pytest.raises(TypeError):
        Anchors.of(threshold=75.0, target=85)  # type: ignore[arg-type]
