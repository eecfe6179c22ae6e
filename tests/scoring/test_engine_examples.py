"""scoring.md §11 worked examples, pinned to the cent end to end through score_scorecard."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from kra_api.scoring.engine import (
    ItemResult,
    ItemStatus,
    RatingStatus,
    ScorecardResult,
    ScoringSettings,
    Segment,
    quantize_score,
    score_scorecard,
)
from tests.scoring.support import example_kras

D = Decimal
SETTINGS = ScoringSettings()


def items(result: ScorecardResult) -> dict[object, ItemResult]:
    return {i.key: i for k in result.kras for i in k.items}


def test_example_a_values_and_kpi_scores() -> None:
    result = score_scorecard(example_kras(), SETTINGS)
    by_key = items(result)
    # value (6 dp) and score, computed by hand:
    # CSAT 46/52·100 = 88.461538;   100 + (88.461538-85)/10·20 = 106.923 → 106.92
    # FCR 310/430·100 = 72.093023;  100 + 0.093023/8·20     = 100.233 → 100.23
    # AHT 129000/380 = 339.473684;  100 + 20.526316/60·20   = 106.842 → 106.84 (lower is better)
    # ADH 9016/9600·100 = 93.916667; 100 + 1.916667/5·20    = 107.667 → 107.67
    # QA 450/500·100 = 90;          100 + 2/7·20            = 105.714 → 105.71
    expected = {
        "CSAT": ("88.461538", "106.92"),
        "FCR": ("72.093023", "100.23"),
        "AHT": ("339.473684", "106.84"),
        "ADH": ("93.916667", "107.67"),
        "QA": ("90.000000", "105.71"),
    }
    for key, (value, score) in expected.items():
        item = by_key[key]
        assert item.status is ItemStatus.SCORED
        assert item.value_output == D(value)
        assert str(item.value_output) == value
        assert item.score == D(score)
        assert str(item.score) == score
        assert item.segment is Segment.TARGET_TO_STRETCH
    assert by_key["AHT"].value == Fraction(129000, 380)


def test_example_a_kra_overall_band() -> None:
    result = score_scorecard(example_kras(), SETTINGS)
    # CX  = (106.92·60 + 100.23·40)/100 = 104.244 → 104.24
    # EFF = (106.84·70 + 107.67·30)/100 = 107.089 → 107.09
    # QUAL = 105.71
    # overall = (104.24·40 + 107.09·30 + 105.71·30)/100 = 105.536 → 105.54 → band 4
    assert [str(k.score) for k in result.kras] == ["104.24", "107.09", "105.71"]
    assert all(k.status is RatingStatus.RATED and k.coverage == 1 for k in result.kras)
    assert str(result.score) == "105.54"
    assert result.uncapped_score == D("105.54")
    assert result.status is RatingStatus.RATED
    assert result.coverage == 1
    assert result.band is not None
    assert (result.band.level, result.band.label) == (4, "Exceeds expectations")
    assert result.gate_failed is False
    gate = items(result)["COMPLIANCE"]
    assert (gate.value, gate.gate_passed, gate.score, gate.weight) == (
        Fraction(0),
        True,
        None,
        None,
    )


def test_example_a_contributions_are_unrounded() -> None:
    by_key = items(score_scorecard(example_kras(), SETTINGS))
    # contribution = w·s / Σ scored w: CSAT 60·106.92/100 = 64.152, FCR 40·100.23/100 = 40.092
    assert by_key["CSAT"].contribution == Fraction("64.152")
    assert by_key["FCR"].contribution == Fraction("40.092")
    assert by_key["CSAT"].contribution + by_key["FCR"].contribution == Fraction("104.244")
    assert by_key["QA"].contribution == Fraction("105.71")
    assert by_key["COMPLIANCE"].contribution is None


def test_example_a_with_a_compliance_failure_is_capped_at_80() -> None:
    result = score_scorecard(example_kras(failures=1), SETTINGS)
    # gate maximum 0, value 1 → fails; min(105.54, 80) = 80.00 → band 2
    assert str(result.score) == "80.00"
    assert result.uncapped_score == D("105.54")
    assert result.gate_failed is True
    assert result.band is not None
    assert (result.band.level, result.band.label) == (2, "Needs improvement")
    assert items(result)["COMPLIANCE"].gate_passed is False
    # the KRA scores are untouched by the cap
    assert [str(k.score) for k in result.kras] == ["104.24", "107.09", "105.71"]


def test_example_b_pins_the_rounding_order() -> None:
    result = score_scorecard(
        example_kras(csat=(44, 52), fcr=(300, 430), adherence=(9002, 9600)), SETTINGS
    )
    by_key = items(result)
    # CSAT 84.615385 → 50 + 9.615385/10·50 = 98.077 → 98.08 (THRESHOLD_TO_TARGET)
    # FCR 69.767442  → 50 + 4.767442/7·50  = 84.053 → 84.05
    # ADH 93.770833  → 100 + 1.770833/5·20 = 107.083 → 107.08
    assert [str(by_key[k].score) for k in ("CSAT", "FCR", "AHT", "ADH", "QA")] == [
        "98.08",
        "84.05",
        "106.84",
        "107.08",
        "105.71",
    ]
    assert by_key["CSAT"].segment is Segment.THRESHOLD_TO_TARGET
    # CX = (98.08·60 + 84.05·40)/100 = 92.468 → 92.47; EFF = (106.84·70 + 107.08·30)/100 = 106.912
    assert [str(k.score) for k in result.kras] == ["92.47", "106.91", "105.71"]
    # (92.47·40 + 106.91·30 + 105.71·30)/100 = 100.774 → 100.77 → band 3
    assert str(result.score) == "100.77"
    assert result.band is not None
    assert result.band.level == 3


def test_example_b_rounding_only_at_the_end_would_be_wrong() -> None:
    # The same numbers without intermediate rounding give 100.78: the engine must not do this.
    csat = 50 + (Fraction(4400, 52) - 75) / 10 * 50
    fcr = 50 + (Fraction(30000, 430) - 65) / 7 * 50
    aht = 100 + (Fraction(-129000, 380) + 360) / 60 * 20
    adh = 100 + (Fraction(900200, 9600) - 92) / 5 * 20
    qa = 100 + Fraction(2, 7) * 20
    cx = (csat * 60 + fcr * 40) / 100
    eff = (aht * 70 + adh * 30) / 100
    assert quantize_score((cx * 40 + eff * 30 + qa * 30) / 100) == D("100.78")
    result = score_scorecard(
        example_kras(csat=(44, 52), fcr=(300, 430), adherence=(9002, 9600)), SETTINGS
    )
    assert result.score == D("100.77")


@pytest.mark.parametrize(("cap", "expected"), [("90", "90.00"), ("110", "105.54")])
def test_gate_cap_is_configurable(cap: str, expected: str) -> None:
    result = score_scorecard(example_kras(failures=2), ScoringSettings(gate_cap=D(cap)))
    # min(105.54, cap)
    assert str(result.score) == expected
    assert result.gate_failed is True
