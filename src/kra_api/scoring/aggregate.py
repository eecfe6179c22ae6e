"""Weighted roll-ups, coverage, gates and bands (scoring.md §6-§7).

The same roll-up serves both levels: KPI scores into a KRA score, and KRA scores into the overall.
Inputs are already rounded scores, because §7 rounds at each level before the next one uses them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from itertools import pairwise

from .exact import Exact, Fraction, quantize_score, to_fraction


class RatingStatus(StrEnum):
    """Whether a KRA or the overall has enough scored weight to be rated."""

    RATED = "RATED"
    NOT_RATED = "NOT_RATED"


@dataclass(frozen=True)
class Band:
    """A rating band: from ``min_score`` inclusive up to the next band's minimum."""

    level: int
    label: str
    min_score: Decimal


DEFAULT_BANDS: tuple[Band, ...] = (
    Band(1, "Unsatisfactory", Decimal(0)),
    Band(2, "Needs improvement", Decimal(60)),
    Band(3, "Meets expectations", Decimal(85)),
    Band(4, "Exceeds expectations", Decimal(105)),
    Band(5, "Outstanding", Decimal(115)),
)


def check_bands(bands: Sequence[Band]) -> None:
    """Raise ValueError unless the bands are non-empty, strictly ascending and start at 0."""
    if not bands or to_fraction(bands[0].min_score) != 0:
        raise ValueError("bands must be non-empty and the first must start at 0")
    mins = [to_fraction(b.min_score) for b in bands]
    if any(lo >= hi for lo, hi in pairwise(mins)):
        raise ValueError("band minimums must be strictly ascending")


def band_for(score: Exact, bands: Sequence[Band]) -> Band:
    """The band whose range holds ``score`` (lower bound inclusive)."""
    s = to_fraction(score)
    found = bands[0]
    for band in bands:
        if s >= to_fraction(band.min_score):
            found = band
    return found


@dataclass(frozen=True)
class Gate:
    """A gate item's bounds: passes when minimum <= value <= maximum (either bound optional)."""

    minimum: Decimal | None = None
    maximum: Decimal | None = None


def gate_passes(gate: Gate, value: Fraction | None) -> bool | None:
    """Whether ``value`` passes the gate; None when the value is unknown."""
    if value is None:
        return None
    if gate.minimum is not None and value < to_fraction(gate.minimum):
        return False
    return not (gate.maximum is not None and value > to_fraction(gate.maximum))


@dataclass(frozen=True)
class Rollup:
    """A weighted mean of rounded scores with its coverage and rating status."""

    score: Decimal | None
    status: RatingStatus
    coverage: Fraction
    scored_weight: Fraction


def roll_up(parts: Iterable[tuple[Exact, Decimal | None]], coverage_minimum: Exact) -> Rollup:
    """Σ w·s / Σ scored w over (weight, rounded score or None) pairs, rated when coverage suffices.

    coverage = Σ scored w / Σ w; below ``coverage_minimum`` the result is NOT_RATED with no score.
    """
    total = Fraction(0)
    scored = Fraction(0)
    weighted = Fraction(0)
    for weight, score in parts:
        w = to_fraction(weight)
        total += w
        if score is not None:
            scored += w
            weighted += w * to_fraction(score)
    # No weight at all cannot be covered: coverage 0, which is below every allowed minimum.
    coverage = scored / total if total else Fraction(0)
    if scored == 0 or coverage < to_fraction(coverage_minimum):
        return Rollup(None, RatingStatus.NOT_RATED, coverage, scored)
    return Rollup(quantize_score(weighted / scored), RatingStatus.RATED, coverage, scored)


def contribution(weight: Exact, score: Decimal, scored_weight: Fraction) -> Fraction:
    """An item's share of its KRA score, w·s / Σ scored w (unrounded; display only)."""
    return to_fraction(weight) * to_fraction(score) / scored_weight
