"""Anchors and the KPI score (scoring.md §3-§4): LINEAR and STEP, for all three directions.

Scores are computed exactly (``Fraction``); rounding to 2 decimals happens in the caller. Segments
for IN_RANGE reuse the contract's enum: the rising edge is THRESHOLD_TO_TARGET, the falling edge
ABOVE_RANGE_BAND, and a value strictly outside either threshold BELOW_THRESHOLD.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from decimal import Decimal
from enum import StrEnum
from functools import cached_property
from itertools import pairwise

from .exact import Exact, Fraction, to_fraction


class Direction(StrEnum):
    """Which way a KPI improves."""

    HIGHER_IS_BETTER = "HIGHER_IS_BETTER"
    LOWER_IS_BETTER = "LOWER_IS_BETTER"
    IN_RANGE = "IN_RANGE"


class ScoringMode(StrEnum):
    """How a value between anchors scores: interpolated (LINEAR) or the anchor reached (STEP)."""

    LINEAR = "LINEAR"
    STEP = "STEP"


class Segment(StrEnum):
    """Where the value fell relative to the anchors."""

    BELOW_THRESHOLD = "BELOW_THRESHOLD"
    THRESHOLD_TO_TARGET = "THRESHOLD_TO_TARGET"
    TARGET_TO_STRETCH = "TARGET_TO_STRETCH"
    CAPPED = "CAPPED"
    ON_TARGET_BAND = "ON_TARGET_BAND"
    ABOVE_RANGE_BAND = "ABOVE_RANGE_BAND"


@dataclass(frozen=True)
class AnchorScores:
    """The score each anchor is worth (configurable; stretch > target > threshold)."""

    threshold: Decimal = Decimal(50)
    target: Decimal = Decimal(100)
    stretch: Decimal = Decimal(120)

    def __post_init__(self) -> None:
        if not to_fraction(self.threshold) < to_fraction(self.target) < to_fraction(self.stretch):
            raise ValueError("anchor scores must satisfy threshold < target < stretch")

    @cached_property
    def exact(self) -> tuple[Fraction, Fraction, Fraction]:
        """(threshold, target, stretch) scores as Fractions, converted once per settings."""
        return to_fraction(self.threshold), to_fraction(self.target), to_fraction(self.stretch)


@dataclass(frozen=True)
class Anchors:
    """Anchors of a goal: threshold/target/stretch, or the four IN_RANGE ones (absent: None).

    For a RELATIVE goal version the same shape holds the multipliers of the baseline.
    """

    threshold: Fraction | None = None
    target: Fraction | None = None
    stretch: Fraction | None = None
    low_threshold: Fraction | None = None
    low_target: Fraction | None = None
    high_target: Fraction | None = None
    high_threshold: Fraction | None = None

    @classmethod
    def of(
        cls,
        *,
        threshold: Exact | None = None,
        target: Exact | None = None,
        stretch: Exact | None = None,
        low_threshold: Exact | None = None,
        low_target: Exact | None = None,
        high_target: Exact | None = None,
        high_threshold: Exact | None = None,
    ) -> Anchors:
        """Build anchors from Decimals, Fractions or ints (floats refused)."""

        def f(x: Exact | None) -> Fraction | None:
            return None if x is None else to_fraction(x)

        return cls(
            f(threshold),
            f(target),
            f(stretch),
            f(low_threshold),
            f(low_target),
            f(high_target),
            f(high_threshold),
        )

    def scaled(self, factor: Fraction) -> Anchors:
        """Every present anchor multiplied by ``factor`` (relative multipliers × baseline)."""
        return Anchors(*(None if a is None else a * factor for a in self._values()))

    def _values(self) -> tuple[Fraction | None, ...]:
        return tuple(getattr(self, fl.name) for fl in fields(self))


def check_anchors(anchors: Anchors, direction: Direction) -> None:
    """Raise ValueError unless the anchors are complete and ordered for the direction (§3)."""
    a = anchors
    if direction is Direction.IN_RANGE:
        lt, ltg, htg, hth = a.low_threshold, a.low_target, a.high_target, a.high_threshold
        if lt is None or ltg is None or htg is None or hth is None:
            raise ValueError("IN_RANGE needs all four anchors")
        if not lt < ltg <= htg < hth:
            raise ValueError("IN_RANGE needs low_thr < low_tgt <= high_tgt < high_thr")
        return
    if a.threshold is None or a.target is None:
        raise ValueError(f"{direction} needs threshold and target")
    higher = direction is Direction.HIGHER_IS_BETTER
    chain = [a.threshold, a.target] + ([] if a.stretch is None else [a.stretch])
    # Compared as they are (lo < hi, or hi < lo for lower is better): negating would build new
    # Fractions on every scored item.
    if any(not (lo < hi if higher else hi < lo) for lo, hi in pairwise(chain)):
        order = "<" if higher else ">"
        raise ValueError(f"{direction} needs threshold {order} target {order} stretch")


def score_cap(anchors: Anchors, direction: Direction, scores: AnchorScores) -> Fraction:
    """The highest score the anchors allow: stretch score, or target score without a stretch."""
    if direction is Direction.IN_RANGE or anchors.stretch is None:
        return to_fraction(scores.target)
    return to_fraction(scores.stretch)


def score_value(
    value: Exact,
    anchors: Anchors,
    direction: Direction,
    mode: ScoringMode,
    scores: AnchorScores,
) -> tuple[Fraction, Segment]:
    """The exact (unrounded) KPI score of ``value`` and its segment (§4)."""
    check_anchors(anchors, direction)
    value = to_fraction(value)
    if direction is Direction.IN_RANGE:
        return _score_in_range(value, anchors, mode, scores)
    thr, tgt, stretch = anchors.threshold, anchors.target, anchors.stretch
    assert thr is not None  # guaranteed by check_anchors
    assert tgt is not None
    if direction is Direction.LOWER_IS_BETTER:
        # Negating value and anchors turns "lower is better" into "higher is better" exactly.
        value, thr, tgt = -value, -thr, -tgt
        stretch = None if stretch is None else -stretch
    return _score_higher(value, thr, tgt, stretch, mode, scores)


def _score_higher(
    v: Fraction,
    thr: Fraction,
    tgt: Fraction,
    stretch: Fraction | None,
    mode: ScoringMode,
    scores: AnchorScores,
) -> tuple[Fraction, Segment]:
    y_thr, y_tgt, y_str = scores.exact
    linear = mode is ScoringMode.LINEAR
    if v < thr:
        return Fraction(0), Segment.BELOW_THRESHOLD
    if v < tgt:
        score = y_thr + (v - thr) / (tgt - thr) * (y_tgt - y_thr) if linear else y_thr
        return score, Segment.THRESHOLD_TO_TARGET
    if stretch is None:
        return y_tgt, Segment.CAPPED
    if v < stretch:
        score = y_tgt + (v - tgt) / (stretch - tgt) * (y_str - y_tgt) if linear else y_tgt
        return score, Segment.TARGET_TO_STRETCH
    return y_str, Segment.CAPPED


def _score_in_range(
    v: Fraction, anchors: Anchors, mode: ScoringMode, scores: AnchorScores
) -> tuple[Fraction, Segment]:
    lt, ltg, htg, hth = (
        anchors.low_threshold,
        anchors.low_target,
        anchors.high_target,
        anchors.high_threshold,
    )
    assert lt is not None
    assert ltg is not None
    assert htg is not None
    assert hth is not None
    y_thr, y_tgt, _ = scores.exact
    linear = mode is ScoringMode.LINEAR
    # Both thresholds are inclusive: a value exactly on one scores the threshold score.
    if v < lt or v > hth:
        return Fraction(0), Segment.BELOW_THRESHOLD
    if v < ltg:
        score = y_thr + (v - lt) / (ltg - lt) * (y_tgt - y_thr) if linear else y_thr
        return score, Segment.THRESHOLD_TO_TARGET
    if v <= htg:
        return y_tgt, Segment.ON_TARGET_BAND
    score = y_tgt - (v - htg) / (hth - htg) * (y_tgt - y_thr) if linear else y_thr
    return score, Segment.ABOVE_RANGE_BAND
