"""Tests of the built-in KPI catalogue shipped as package data."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from kra_api.catalog.builtin import (
    Aggregation,
    CatalogueComponent,
    CatalogueKpi,
    CatalogueMinSample,
    Direction,
    KpiSubject,
    KpiUnit,
    catalogue_by_code,
    load_catalogue,
)
from kra_api.catalog.formula import parse_formula


def test_catalogue_has_28_kpis_with_unique_well_formed_codes() -> None:
    catalogue = load_catalogue()
    codes = [kpi.code for kpi in catalogue]
    assert len(catalogue) == 28
    assert len(set(codes)) == 28
    assert codes == sorted(codes)
    assert all(re.fullmatch(r"[A-Z0-9_]+", code) for code in codes)
    assert set(catalogue_by_code()) == set(codes)


def test_catalogue_is_cached_and_read_only() -> None:
    assert load_catalogue() is load_catalogue()
    with pytest.raises(TypeError):
        catalogue_by_code()["AHT"] = load_catalogue()[0]  # type: ignore[index]


@pytest.mark.parametrize("kpi", load_catalogue(), ids=lambda kpi: kpi.code)
def test_every_formula_parses_and_validates(kpi: CatalogueKpi) -> None:
    formula = parse_formula(kpi.formula)
    sample = kpi.min_sample.component if kpi.min_sample else None
    assert formula.validate_against([c.name for c in kpi.components], sample) == []
    assert kpi.name
    assert kpi.description
    assert isinstance(kpi.unit, KpiUnit)
    assert isinstance(kpi.direction, Direction)
    assert isinstance(kpi.subject, KpiSubject)
    assert all(isinstance(c.aggregation, Aggregation) for c in kpi.components)


def test_aht() -> None:
    aht = catalogue_by_code()["AHT"]
    assert aht.formula == "handle_seconds / handled"
    assert aht.unit is KpiUnit.SECONDS
    assert aht.direction is Direction.LOWER_IS_BETTER
    assert aht.subject is KpiSubject.EMPLOYEE
    assert aht.components == (
        CatalogueComponent("handle_seconds", Aggregation.SUM),
        CatalogueComponent("handled", Aggregation.SUM),
    )
    assert aht.min_sample is None


def test_csat_min_sample_is_20_responses() -> None:
    csat = catalogue_by_code()["CSAT"]
    assert csat.formula == "positive / responses * 100"
    assert csat.unit is KpiUnit.PERCENT
    assert csat.min_sample == CatalogueMinSample("responses", Decimal("20"))


def test_qa_min_sample_is_4_evaluations_used_only_by_the_min_sample() -> None:
    qa = catalogue_by_code()["QA"]
    assert qa.min_sample == CatalogueMinSample("evaluations", Decimal("4"))
    assert "evaluations" in [c.name for c in qa.components]
    assert "evaluations" not in parse_formula(qa.formula).names


def test_backlog_is_a_last_snapshot() -> None:
    backlog = catalogue_by_code()["BACKLOG"]
    assert backlog.components == (CatalogueComponent("open_items", Aggregation.LAST),)
    assert backlog.unit is KpiUnit.COUNT


def test_attrition_uses_first_and_last_headcount_per_org_unit() -> None:
    attrition = catalogue_by_code()["ATTRITION"]
    assert attrition.subject is KpiSubject.ORG_UNIT
    assert attrition.direction is Direction.LOWER_IS_BETTER
    assert attrition.formula == "separations / ((headcount_start + headcount_end) / 2) * 100"
    assert {c.name: c.aggregation for c in attrition.components} == {
        "separations": Aggregation.SUM,
        "headcount_start": Aggregation.FIRST,
        "headcount_end": Aggregation.LAST,
    }


def test_occupancy_is_in_range() -> None:
    occ = catalogue_by_code()["OCC"]
    assert occ.direction is Direction.IN_RANGE
    assert occ.formula == "handle_seconds / (handle_seconds + available_seconds) * 100"


def test_queue_level_kpis_are_read_per_org_unit() -> None:
    by_subject = {kpi.code for kpi in load_catalogue() if kpi.subject is KpiSubject.ORG_UNIT}
    assert by_subject == {"SL", "ASA", "ABANDON", "ATTRITION"}


def test_enums_are_plain_strings() -> None:
    assert KpiUnit.CURRENCY == "CURRENCY"
    assert Direction("IN_RANGE") is Direction.IN_RANGE
    assert [a.value for a in Aggregation] == ["SUM", "FIRST", "LAST"]
    assert {u.value for u in KpiUnit} == {
        "SECONDS",
        "PERCENT",
        "RATIO",
        "COUNT",
        "CURRENCY",
        "POINTS",
    }
