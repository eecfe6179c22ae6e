"""Exact-number helpers for the scoring engine: conversion to ``Fraction`` and half-up rounding.

Every computation of the engine runs on ``fractions.Fraction`` so that a value lying exactly on an
anchor hits it; numbers become ``Decimal`` only at the edges (rounded scores, 6-decimal values).
Binary floats are refused outright: one stray float would silently break exactness.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from typing import TypeAlias

Exact: TypeAlias = Decimal | Fraction | int
"""A number the engine accepts: never a float."""

VALUE_PLACES = 6
SCORE_PLACES = 2


def to_fraction(x: Exact) -> Fraction:
    """Convert an exact number to a ``Fraction``; refuse floats, bools and non-finite decimals."""
    # Fractions are immutable: hand them back as they are (a scoring run converts millions).
    if type(x) is Fraction:
        return x
    # bool is an int subclass and float converts "successfully" but inexactly: both are caller bugs.
    if isinstance(x, bool) or not isinstance(x, Decimal | Fraction | int):
        raise TypeError(f"expected Decimal, Fraction or int, got {type(x).__name__}")
    if isinstance(x, Decimal):
        if not x.is_finite():
            raise ValueError(f"non-finite decimal {x}")
        return _decimal_fraction(x)
    return Fraction(x)


@lru_cache(maxsize=65536)
def _decimal_fraction(x: Decimal) -> Fraction:
    # Weights, anchor scores, coverage minimums and rounded scores repeat across a scoring
    # run's items; equal decimals (1.0 and 1.00) have one exact value, so caching is safe.
    return Fraction(x)


def round_half_up(x: Exact, places: int) -> Decimal:
    """Round exactly to ``places`` decimals, ties away from zero (Decimal's ROUND_HALF_UP)."""
    f = to_fraction(x)
    scale = 10**places
    magnitude = abs(f) * scale
    # floor(m + 1/2) on the magnitude, sign restored: ties go away from zero like ROUND_HALF_UP.
    units = (magnitude.numerator * 2 + magnitude.denominator) // (magnitude.denominator * 2)
    # Built from digits, not arithmetic, so the decimal context's precision can never round it.
    digits = tuple(int(d) for d in str(units))
    return Decimal((1 if f < 0 and units else 0, digits, -places))


def quantize_value(v: Exact) -> Decimal:
    """A KPI value as output: 6 decimals, half-up."""
    return round_half_up(v, VALUE_PLACES)


def quantize_score(s: Exact) -> Decimal:
    """A KPI, KRA or overall score as output: 2 decimals, half-up."""
    return round_half_up(s, SCORE_PLACES)
