"""KPI values, min sample and rounding helpers (scoring.md §2, §7)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kra_api.scoring.engine import (
    MinSample,
    baseline_value,
    kpi_value,
    quantize_score,
    quantize_value,
    round_half_up,
)
from tests.scoring.support import AHT, CSAT, Formula, ratio

D = Decimal


def test_team_value_is_the_ratio_of_sums() -> None:
    # §2: A (100, 30 000) + B (10, 6 000) + C (90, 31 500) → 67 500 / 200 = 337.50, not 416.67
    sums = {"handle_seconds": D(30000 + 6000 + 31500), "handled": D(100 + 10 + 90)}
    assert kpi_value(AHT.formula, sums) == Fraction(675, 2)
    assert quantize_value(Fraction(675, 2)) == D("337.500000")


def test_value_keeps_full_precision() -> None:
    value = kpi_value(ratio("a", "b", 100), {"a": D(46), "b": D(52)})
    assert value == Fraction(4600, 52)  # 88.4615384615…, not a rounded Decimal
    assert quantize_value(value) == D("88.461538")


def test_fractions_and_ints_are_accepted_as_sums() -> None:
    assert kpi_value(ratio("a", "b"), {"a": Fraction(1, 3), "b": 2}) == Fraction(1, 6)


def test_division_by_zero_is_no_value() -> None:
    assert kpi_value(ratio("a", "b"), {"a": D(5), "b": D(0)}) is None
    nested = Formula(lambda v: v["a"] / (v["b"] - v["b"]) + 1)
    assert kpi_value(nested, {"a": D(1), "b": D(3)}) is None


def test_float_sums_are_refused() -> None:
    with pytest.raises(TypeError, match="float"):
        kpi_value(ratio("a", "b"), {"a": 1.5, "b": D(2)})  # type: ignore[dict-item]


def test_non_finite_decimals_are_refused() -> None:
    with pytest.raises(ValueError, match="non-finite"):
        kpi_value(ratio("a", "b"), {"a": D("NaN"), "b": D(2)})


@pytest.mark.parametrize(
    ("x", "places", "expected"),
    [
        (Fraction(1, 200), 2, "0.01"),  # 0.005 → up
        (Fraction(-1, 200), 2, "-0.01"),  # ties away from zero, as ROUND_HALF_UP
        (D("2.675"), 2, "2.68"),  # a float would say 2.67
        (D("2.674999"), 2, "2.67"),
        (Fraction(2, 3), 6, "0.666667"),
        (Fraction(1, 3), 6, "0.333333"),
        (0, 2, "0.00"),
        (Fraction(-1, 1000), 2, "0.00"),  # no negative zero
        (D("123456789012345678901234567890.125"), 2, "123456789012345678901234567890.13"),
    ],
)
def test_round_half_up(x: Fraction | Decimal | int, places: int, expected: str) -> None:
    assert str(round_half_up(x, places)) == expected


def test_output_quantizers() -> None:
    assert str(quantize_value(Fraction(129000, 380))) == "339.473684"
    assert str(quantize_value(90)) == "90.000000"
    assert str(quantize_score(Fraction("104.244"))) == "104.24"
    assert str(quantize_score(Fraction("100.775"))) == "100.78"


def test_baseline_value_applies_the_min_sample() -> None:
    sums = {"positive": D(18), "responses": D(20)}
    assert baseline_value(CSAT.formula, sums, CSAT.min_sample) == 90  # 18/20·100
    short = {"positive": D(18), "responses": D(19)}
    assert baseline_value(CSAT.formula, short, CSAT.min_sample) is None  # 19 < 20
    assert baseline_value(CSAT.formula, {}, CSAT.min_sample) is None  # no reading
    assert baseline_value(CSAT.formula, None, None) is None
    zero = {"positive": D(0), "responses": D(0)}
    assert baseline_value(CSAT.formula, zero, MinSample("responses", D(0))) is None  # 0/0


@given(st.decimals(allow_nan=False, allow_infinity=False, places=6), st.integers(0, 6))
def test_round_half_up_agrees_with_decimal_quantize(x: Decimal, places: int) -> None:
    # The engine rounds Fractions with integers only; Decimal's own ROUND_HALF_UP is the oracle.
    with localcontext() as ctx:
        ctx.prec = 200
        expected = x.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    got = round_half_up(x, places)
    assert got == expected
    assert got.as_tuple().exponent == -places
    assert not (got.is_signed() and got == 0)  # never "-0.00"


def test_standard_library_fractions_mix_exactly_with_the_engine() -> None:
    # Callers and tests may pass fractions.Fraction; the engine computes on its C Fraction.
    value = kpi_value(ratio("a", "b", 100), {"a": Fraction(1, 3), "b": Fraction(2, 7)})
    assert value == Fraction(350, 3)
    assert hash(value) == hash(Fraction(350, 3))
    assert str(quantize_value(value)) == "116.666667"
