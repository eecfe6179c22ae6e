"""kraSetPublish: weight totals, gates, repeated KPIs, exact decimals (scoring.md §6)."""

from __future__ import annotations

from typing import Any

import pytest

from kra_api.db.session import Database
from tests.conftest import Gql
from tests.kras.support import (
    AGENT_KPIS,
    AGENT_SET,
    ROLE_SETS,
    counts,
    draft,
    fill,
    import_kpis,
    item,
    kra,
    publish,
    role_with_draft,
)


async def _agent_draft(gql: Gql, make_org: Any) -> tuple[Any, str, str, str]:
    org = await make_org()
    token = org.token("admin")
    await import_kpis(gql, token, AGENT_KPIS)
    role_id, set_id = await role_with_draft(gql, token)
    return org, token, role_id, set_id


async def test_agent_set_40_30_30_with_items_60_40_70_30_100_publishes(
    gql: Gql, make_org: Any, database: Database
) -> None:
    org, token, role_id, set_id = await _agent_draft(gql, make_org)
    await fill(gql, token, set_id)
    result = await publish(gql, token, set_id, "2026-01-01", "initial agent KRAs")
    assert result["userErrors"] == []
    published = result["kraSet"]
    assert (published["version"], published["status"]) == (1, "PUBLISHED")
    assert (published["effectiveFrom"], published["effectiveTo"]) == ("2026-01-01", None)
    assert published["reason"] == "initial agent KRAs"
    assert published["publishedBy"] == {"kind": "USER", "label": "admin"}
    assert published["publishedAt"] is not None
    shape = [
        (k["title"], k["weight"], [(i["kpi"]["code"], i["weight"]) for i in k["items"]])
        for k in published["kras"]
    ]
    assert shape == [
        ("Customer experience", "40", [("CSAT", "60"), ("FCR", "40")]),
        ("Efficiency", "30", [("AHT", "70"), ("ADH", "30")]),
        ("Quality", "30", [("QA", "100"), ("COMPLIANCE", None)]),
    ]
    gate = published["kras"][2]["items"][1]
    assert gate["gate"] == {"minimum": None, "maximum": "0"}
    assert gate["scope"] == "SELF"
    data = await gql.data(ROLE_SETS, {"id": role_id, "at": "2026-06-30"}, org.token("employee"))
    assert data["node"]["kraSet"]["id"] == set_id
    assert (await counts(database, org.id))["kra_item"] == 6


async def test_kra_weights_total_99_99_does_not_publish(
    gql: Gql, make_org: Any, database: Database
) -> None:
    org, token, role_id, set_id = await _agent_draft(gql, make_org)
    layout = [*AGENT_SET[:2], ("Quality", "29.99", [("QA", "100")])]
    await fill(gql, token, set_id, layout)
    before = await counts(database, org.id)
    result = await publish(gql, token, set_id, "2026-01-01")
    assert result["kraSet"] is None
    assert result["userErrors"] == [
        {
            "code": "WEIGHTS_TOTAL",
            "field": ["input", "kraSetId"],
            "message": "KRA weights total 99.99 (Customer experience 40, Efficiency 30, "
            "Quality 29.99); they must total exactly 100",
        }
    ]
    assert await counts(database, org.id) == before
    sets = (await gql.data(ROLE_SETS, {"id": role_id, "at": "2026-02-01"}, token))["node"]
    assert sets["kraSet"] is None
    assert [s["status"] for s in sets["kraSets"]] == ["DRAFT"]


async def test_item_weights_of_a_kra_must_total_100_and_the_message_names_the_kra(
    gql: Gql, make_org: Any
) -> None:
    _, token, _, set_id = await _agent_draft(gql, make_org)
    layout = [
        AGENT_SET[0],
        ("Efficiency", "30", [("AHT", "70"), ("ADH", "29.99")]),
        ("Quality", "30", [("QA", "60")]),
    ]
    await fill(gql, token, set_id, layout)
    errors = (await publish(gql, token, set_id, "2026-01-01"))["userErrors"]
    assert [(e["code"], e["message"]) for e in errors] == [
        (
            "WEIGHTS_TOTAL",
            "weighted items of KRA 'Efficiency' total 99.99; they must total exactly 100",
        ),
        (
            "WEIGHTS_TOTAL",
            "weighted items of KRA 'Quality' total 60; they must total exactly 100",
        ),
    ]


async def test_thirds_33_33_33_33_33_34_publish_exactly(gql: Gql, make_org: Any) -> None:
    _, token, _, set_id = await _agent_draft(gql, make_org)
    layout = [
        ("One", "33.33", [("CSAT", "33.33"), ("FCR", "33.33"), ("AHT", "33.34")]),
        ("Two", "33.33", [("ADH", "0.000001"), ("QA", "99.999999")]),
        ("Three", "33.34", [("COMPLIANCE", "100")]),
    ]
    await fill(gql, token, set_id, layout, gate=False)
    result = await publish(gql, token, set_id, "2026-01-01")
    assert result["userErrors"] == []
    assert [k["weight"] for k in result["kraSet"]["kras"]] == ["33.33", "33.33", "33.34"]
    assert [i["weight"] for i in result["kraSet"]["kras"][1]["items"]] == [
        "0.000001",
        "99.999999",
    ]


async def test_a_kra_needs_a_weighted_item_and_a_set_needs_kras(gql: Gql, make_org: Any) -> None:
    _, token, _, set_id = await _agent_draft(gql, make_org)
    empty = await publish(gql, token, set_id, "2026-01-01")
    assert [(e["code"], e["message"]) for e in empty["userErrors"]] == [
        ("WEIGHTS_TOTAL", "KRA weights total 0 (no KRA); they must total exactly 100")
    ]
    await fill(gql, token, set_id, [*AGENT_SET[:2], ("Quality", "30", [])])  # only the gate
    errors = (await publish(gql, token, set_id, "2026-01-01"))["userErrors"]
    assert [(e["code"], e["field"], e["message"]) for e in errors] == [
        ("EMPTY_KRA", ["input", "kraSetId"], "KRA 'Quality' has no weighted item")
    ]


async def test_compliance_weighted_and_as_gate_is_allowed_twice_weighted_is_not(
    gql: Gql, make_org: Any, database: Database
) -> None:
    org, token, _, set_id = await _agent_draft(gql, make_org)
    ids = await fill(gql, token, set_id, [("Quality", "100", [("QA", "50"), ("COMPLIANCE", "50")])])
    assert (await publish(gql, token, set_id, "2026-01-01"))["userErrors"] == []
    org2, token2, _, set2 = await _agent_draft(gql, make_org)
    ids = await fill(gql, token2, set2, [("A", "50", [("COMPLIANCE", "100")])], gate=False)
    other = await kra(gql, token2, set2, "B", "50")
    before = await counts(database, org2.id)
    twice = await item(gql, token2, other, "COMPLIANCE", weight="100")
    assert twice["kraItem"] is None
    assert twice["userErrors"] == [
        {
            "code": "DUPLICATE_KPI",
            "field": ["input", "kpiCode"],
            "message": "COMPLIANCE already is a weighted item of this KRA set (in KRA 'A'); "
            "a KPI may be weighted at most once and a gate at most once",
        }
    ]
    assert await counts(database, org2.id) == before
    gate = await item(gql, token2, other, "COMPLIANCE", gate={"maximum": "0"})
    assert gate["userErrors"] == []
    second_gate = await item(gql, token2, ids["A"], "COMPLIANCE", gate={"minimum": "0"})
    assert [e["code"] for e in second_gate["userErrors"]] == ["DUPLICATE_KPI"]
    assert "already is a gate" in second_gate["userErrors"][0]["message"]
    assert org.id != org2.id


@pytest.mark.parametrize(
    ("fields", "path", "message"),
    [
        ({"weight": "50", "gate": {"maximum": "0"}}, ["input", "gate"], "a gate has no weight"),
        ({}, ["input", "weight"], "give a weight, or a gate"),
        ({"gate": {}}, ["input", "gate"], "a gate needs a minimum, a maximum or both"),
        (
            {"gate": {"minimum": "5", "maximum": "1"}},
            ["input", "gate", "minimum"],
            "minimum must not be above maximum",
        ),
        ({"weight": "0"}, ["input", "weight"], "weight must be greater than 0 and at most 100"),
        ({"weight": "100.5"}, ["input", "weight"], "weight must be greater than 0 and at most"),
        ({"weight": "-3"}, ["input", "weight"], "weight must be greater than 0"),
        ({"weight": "NaN"}, ["input", "weight"], "weight must be a finite number"),
        ({"weight": "1.0000001"}, ["input", "weight"], "at most 6 decimal places"),
        ({"gate": {"maximum": "Infinity"}}, ["input", "gate", "maximum"], "finite"),
    ],
)
async def test_an_item_is_weighted_or_a_gate(
    gql: Gql,
    make_org: Any,
    database: Database,
    fields: dict[str, Any],
    path: list[str],
    message: str,
) -> None:
    org, token, _, set_id = await _agent_draft(gql, make_org)
    kra_id = await kra(gql, token, set_id, "Quality", "100")
    before = await counts(database, org.id)
    result = await item(gql, token, kra_id, "COMPLIANCE", **fields)
    assert result["kraItem"] is None
    [error] = result["userErrors"]
    assert (error["code"], error["field"]) == ("INVALID", path)
    assert message in error["message"]
    assert await counts(database, org.id) == before


async def test_unknown_kpi_code_and_second_draft_are_refused(
    gql: Gql, make_org: Any, database: Database
) -> None:
    org, token, role_id, set_id = await _agent_draft(gql, make_org)
    kra_id = await kra(gql, token, set_id, "Quality", "100")
    unknown = await item(gql, token, kra_id, "NPS", weight="100")
    assert [(e["code"], e["field"]) for e in unknown["userErrors"]] == [
        ("NOT_FOUND", ["input", "kpiCode"])
    ]
    before = await counts(database, org.id)
    second = await draft(gql, token, role_id)
    assert second == {
        "kraSet": None,
        "userErrors": [
            {
                "code": "DRAFT_EXISTS",
                "field": ["input", "roleId"],
                "message": "role AGENT already has a draft (v1); edit or publish it first",
            }
        ],
    }
    assert await counts(database, org.id) == before
