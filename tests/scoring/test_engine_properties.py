"""Property tests (hypothesis): monotonicity, bounds, anchor hits, order and scale invariance."""

from __future__ import annotations

import random
from dataclasses import replace
from decimal import Decimal
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from kra_api.scoring.engine import (
    Anchors,
    AnchorScores,
    Direction,
    Gate,
    ItemInput,
    KpiUnit,
    KraInput,
    ScorecardResult,
    ScoringMode,
    ScoringSettings,
    quantize_score,
    score_cap,
    score_scorecard,
    score_value,
)
from tests.scoring.support import goal, kpi

D = Decimal
HIB, LIB, RANGE = Direction.HIGHER_IS_BETTER, Direction.LOWER_IS_BETTER, Direction.IN_RANGE

values = st.decimals(
    min_value=-1000, max_value=1000, places=3, allow_nan=False, allow_infinity=False
)
modes = st.sampled_from(ScoringMode)
weights = st.decimals(min_value=D("0.01"), max_value=100, places=2)
factors = st.decimals(min_value=D("0.001"), max_value=1000, places=3)


@st.composite
def anchor_scores(draw: st.DrawFn) -> AnchorScores:
    ys = draw(st.lists(st.integers(0, 20000), min_size=3, max_size=3, unique=True))
    low, mid, high = sorted(D(y).scaleb(-2) for y in ys)
    return AnchorScores(low, mid, high)


@st.composite
def directional_anchors(draw: st.DrawFn, direction: Direction) -> Anchors:
    points = sorted(draw(st.lists(values, min_size=3, max_size=3, unique=True)))
    if direction is LIB:
        points.reverse()
    stretch = points[2] if draw(st.booleans()) else None
    return Anchors.of(threshold=points[0], target=points[1], stretch=stretch)


@st.composite
def range_anchors(draw: st.DrawFn) -> Anchors:
    lt, ltg, htg, hth = sorted(draw(st.lists(values, min_size=4, max_size=4, unique=True)))
    if draw(st.booleans()):
        htg = ltg  # low_target == high_target is allowed
    return Anchors.of(low_threshold=lt, low_target=ltg, high_target=htg, high_threshold=hth)


def exact(v: Decimal, a: Anchors, d: Direction, m: ScoringMode, s: AnchorScores) -> Fraction:
    return score_value(Fraction(v), a, d, m, s)[0]


@given(st.sampled_from([HIB, LIB]), st.data(), values, values, modes, anchor_scores())
def test_score_is_monotone_in_the_value(
    direction: Direction,
    data: st.DataObject,
    v1: Decimal,
    v2: Decimal,
    mode: ScoringMode,
    scores: AnchorScores,
) -> None:
    anchors = data.draw(directional_anchors(direction))
    lo, hi = sorted((v1, v2))
    s_lo, s_hi = (exact(v, anchors, direction, mode, scores) for v in (lo, hi))
    if direction is HIB:
        assert s_lo <= s_hi  # non-decreasing
        assert quantize_score(s_lo) <= quantize_score(s_hi)
    else:
        assert s_lo >= s_hi  # non-increasing
        assert quantize_score(s_lo) >= quantize_score(s_hi)


@given(st.sampled_from([HIB, LIB, RANGE]), st.data(), values, modes, anchor_scores())
def test_score_is_between_zero_and_the_cap(
    direction: Direction,
    data: st.DataObject,
    v: Decimal,
    mode: ScoringMode,
    scores: AnchorScores,
) -> None:
    anchors = data.draw(range_anchors() if direction is RANGE else directional_anchors(direction))
    s = exact(v, anchors, direction, mode, scores)
    assert 0 <= s <= score_cap(anchors, direction, scores)


@given(st.sampled_from([HIB, LIB]), st.data(), modes, anchor_scores())
def test_value_on_an_anchor_gets_its_score(
    direction: Direction, data: st.DataObject, mode: ScoringMode, scores: AnchorScores
) -> None:
    anchors = data.draw(directional_anchors(direction))
    assert anchors.threshold is not None
    assert anchors.target is not None
    pairs = [(anchors.threshold, scores.threshold), (anchors.target, scores.target)]
    if anchors.stretch is not None:
        pairs.append((anchors.stretch, scores.stretch))
    for anchor, expected in pairs:
        assert score_value(anchor, anchors, direction, mode, scores)[0] == expected


@given(range_anchors(), modes, anchor_scores(), st.data())
def test_in_range_scores_the_target_score_between_the_targets(
    anchors: Anchors, mode: ScoringMode, scores: AnchorScores, data: st.DataObject
) -> None:
    assert anchors.low_target is not None
    assert anchors.high_target is not None
    assert anchors.low_threshold is not None
    assert anchors.high_threshold is not None
    t = data.draw(st.fractions(min_value=0, max_value=1))
    v = anchors.low_target + t * (anchors.high_target - anchors.low_target)
    assert score_value(v, anchors, RANGE, mode, scores)[0] == scores.target
    for threshold in (anchors.low_threshold, anchors.high_threshold):
        assert score_value(threshold, anchors, RANGE, mode, scores)[0] == scores.threshold


# ── scorecard-level invariance ──────────────────────────────────────────────────────────────

item_values = st.one_of(st.none(), st.decimals(min_value=0, max_value=150, places=2))


@st.composite
def scorecards(draw: st.DrawFn) -> list[KraInput]:
    kras = []
    for k in range(draw(st.integers(1, 4))):
        items = []
        for i in range(draw(st.integers(1, 4))):
            value = draw(item_values)
            sums = None if value is None else {"x": value}
            items.append(
                ItemInput(
                    f"k{k}i{i}",
                    kpi(),
                    weight=draw(weights),
                    goals=goal("40", "80", "120"),
                    sums=sums,
                )
            )
        if draw(st.booleans()):
            failures = draw(st.one_of(st.none(), st.integers(0, 2)))
            sums = None if failures is None else {"x": D(failures)}
            items.append(
                ItemInput(f"k{k}gate", kpi(unit=KpiUnit.COUNT), gate=Gate(maximum=D(0)), sums=sums)
            )
        kras.append(KraInput(f"k{k}", draw(weights), items))
    return kras


def summary(result: ScorecardResult) -> tuple[object, ...]:
    """Everything but input echoes (weights), independent of KRA and item order."""
    kras = {
        k.key: (
            k.score,
            k.status,
            k.coverage,
            {
                i.key: (i.status, i.value, i.score, i.segment, i.contribution, i.gate_passed)
                for i in k.items
            },
        )
        for k in result.kras
    }
    return (result.score, result.status, result.coverage, result.band, result.gate_failed, kras)


SETTINGS = ScoringSettings()


@given(scorecards(), st.randoms(use_true_random=False))
def test_permuting_items_and_kras_changes_nothing(kras: list[KraInput], rnd: random.Random) -> None:
    shuffled = [replace(k, items=rnd.sample(list(k.items), len(k.items))) for k in kras]
    shuffled = rnd.sample(shuffled, len(shuffled))
    assert summary(score_scorecard(shuffled, SETTINGS)) == summary(score_scorecard(kras, SETTINGS))


@given(scorecards(), factors)
def test_scaling_item_weights_changes_nothing(kras: list[KraInput], c: Decimal) -> None:
    scaled = [
        replace(
            k,
            items=[i if i.weight is None else replace(i, weight=i.weight * c) for i in k.items],
        )
        for k in kras
    ]
    assert summary(score_scorecard(scaled, SETTINGS)) == summary(score_scorecard(kras, SETTINGS))


@given(scorecards(), factors)
def test_scaling_kra_weights_changes_nothing(kras: list[KraInput], c: Decimal) -> None:
    scaled = [replace(k, weight=k.weight * c) for k in kras]
    assert summary(score_scorecard(scaled, SETTINGS)) == summary(score_scorecard(kras, SETTINGS))
