"""The pure publish rules, including the repeated-KPI check that the API guards earlier."""

from __future__ import annotations

import uuid
from decimal import Decimal

from kra_api.kras.rules import decimal_problem, publish_errors
from kra_api.models import Kra, KraItem

ORG = uuid.uuid4()


def _kra(title: str, weight: str) -> Kra:
    return Kra(organization_id=ORG, kra_set_id=ORG, title=title, weight=Decimal(weight), position=1)


def _item(kra: Kra, kpi: uuid.UUID, weight: str | None, gate_max: str | None = None) -> KraItem:
    return KraItem(
        organization_id=ORG,
        kra_id=kra.id,
        kpi_id=kpi,
        weight=None if weight is None else Decimal(weight),
        gate_maximum=None if gate_max is None else Decimal(gate_max),
        position=1,
    )


def test_a_kpi_weighted_twice_or_gated_twice_is_refused_once_each() -> None:
    compliance, qa = uuid.uuid4(), uuid.uuid4()
    a, b = _kra("A", "50"), _kra("B", "50")
    items = {
        a.id: [_item(a, compliance, "50"), _item(a, qa, "50"), _item(a, compliance, None, "0")],
        b.id: [_item(b, compliance, "100"), _item(b, compliance, None, "0")],
    }
    errors = publish_errors([a, b], items, {compliance: "COMPLIANCE", qa: "QA"})
    assert [(e.code, e.message) for e in errors] == [
        (
            "DUPLICATE_KPI",
            "COMPLIANCE is a weighted item more than once (in 'A', 'B'); at most once per KRA set",
        ),
        (
            "DUPLICATE_KPI",
            "COMPLIANCE is a gate more than once (in 'A', 'B'); at most once per KRA set",
        ),
    ]


def test_weighted_and_gate_once_each_is_fine() -> None:
    compliance = uuid.uuid4()
    a = _kra("A", "100")
    items = {a.id: [_item(a, compliance, "100"), _item(a, compliance, None, "0")]}
    assert publish_errors([a], items, {compliance: "COMPLIANCE"}) == []


def test_decimal_problems() -> None:
    assert decimal_problem(Decimal("33.333333"), 6) is None
    assert decimal_problem(Decimal("1E+3"), 6) is None
    assert decimal_problem(Decimal("sNaN"), 6) == "must be a finite number"
    assert decimal_problem(Decimal("-Infinity"), 6) == "must be a finite number"
    assert decimal_problem(Decimal("1e15"), 6) == "must be below 1000000000000000 in magnitude"
    assert decimal_problem(Decimal("0.1234567"), 6) == "must have at most 6 decimal places"
