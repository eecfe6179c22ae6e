"""Exact-number helpers for the scoring engine: conversion to ``Fraction`` and half-up rounding.

Every computation of the engine runs on exact rationals (``Fraction`` below: the standard
library's, implemented in C) so that a value lying exactly on an anchor
hits it; numbers become ``Decimal`` only at the edges (rounded scores, 6-decimal values).
Binary floats are refused outright: one stray float would silently break exactness.
"""

from __future__ import annotations

import fractions
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING, TypeAlias

# quicktions' Fraction is the standard library's implemented in C: same values, equality and
# hashing (its 1/3 equals fractions.Fraction(1, 3)), about ten times faster arithmetic, which a
# scoring run does millions of times. It carries no type information, so type checkers are shown
# the standard class, whose interface it implements.
if TYPE_CHECKING:
    from fractions import Fraction as Fraction
else:
    from quicktions import Fraction

Exact: TypeAlias = Decimal | Fraction | fractions.Fraction | int
"""A number the engine accepts: never a float."""

VALUE_PLACES = 6
SCORE_PLACES = 2


def to_fraction(x: Exact) -> Fraction:
    """Convert an exact number to a ``Fraction``; refuse floats, bools and non-finite decimals."""
    # Fractions are immutable: hand them back as they are (a scoring run converts millions).
    if type(x) is Fraction:
        return x
    if type(x) is Decimal:
        return _decimal_fraction(x)
    # bool is an int subclass and float converts "successfully" but inexactly: both are caller bugs.
    if isinstance(x, bool) or not isinstance(x, Decimal | Fraction | fractions.Fraction | int):
        raise TypeError(f"expected Decimal, Fraction or int, got {type(x).__name__}")
    if isinstance(x, Decimal):  # a subclass
        return decimal_fraction(x)
    if isinstance(x, fractions.Fraction):  # the standard library's (callers and tests)
        return Fraction(x.numerator, x.denominator)
    return Fraction(x)


@lru_cache(maxsize=65536)
def _decimal_fraction(x: Decimal) -> Fraction:
    # Weights, anchor scores, coverage minimums and rounded scores repeat across a scoring
    # run's items; equal decimals (1.0 and 1.00) have one exact value, so caching is safe.
    return decimal_fraction(x)


def decimal_fraction(x: Decimal) -> Fraction:
    """A finite Decimal as a Fraction, uncached: for values that rarely repeat (component sums),
    which would only evict the repeating ones from ``to_fraction``'s cache."""
    if not x.is_finite():
        raise ValueError(f"non-finite decimal {x}")
    return Fraction(x)


def round_half_up(x: Exact, places: int) -> Decimal:
    """Round exactly to ``places`` decimals, ties away from zero (Decimal's ROUND_HALF_UP)."""
    f = to_fraction(x)
    numerator, denominator = f.numerator, f.denominator
    # floor(m + 1/2) on the magnitude m = |x| * 10^places, sign restored: ties go away from zero
    # like ROUND_HALF_UP. Integers only: no intermediate Fraction is built.
    units = (abs(numerator) * 2 * 10**places + denominator) // (denominator * 2)
    return _decimal(numerator < 0 and units != 0, units, places)


@lru_cache(maxsize=65536)
def _decimal(negative: bool, units: int, places: int) -> Decimal:
    # Parsed from text, which is exact: the decimal context's precision can never round it.
    # Rounded scores repeat across a run's scorecards, hence the cache.
    return Decimal(f"{'-' if negative else ''}{units}E-{places}")


def quantize_value(v: Exact) -> Decimal:
    """A KPI value as output: 6 decimals, half-up."""
    return round_half_up(v, VALUE_PLACES)


def quantize_score(s: Exact) -> Decimal:
    """A KPI, KRA or overall score as output: 2 decimals, half-up."""
    return round_half_up(s, SCORE_PLACES)
