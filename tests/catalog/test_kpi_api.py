"""kpiCreate, kpiCatalogImport and the KPI queries against a real database."""

from __future__ import annotations

from typing import Any

import pytest

from kra_api.catalog.builtin import load_catalogue
from tests.catalog.kpi_support import CREATE, IMPORT, LIST, NODE, actions, aht, count, create
from tests.conftest import Gql


async def test_kpi_create_happy_path(gql: Gql, make_org: Any, database: Any) -> None:
    org = await make_org()
    token = org.token("admin")
    payload = await create(gql, token, subject=None)
    assert payload["userErrors"] == []
    kpi = payload["kpi"]
    assert {k: v for k, v in kpi.items() if k != "id"} == {
        "code": "AHT",
        "name": "Average handle time",
        "description": "Handle seconds per contact",
        "unit": "SECONDS",
        "direction": "LOWER_IS_BETTER",
        "subject": "EMPLOYEE",
        "formula": "handle_seconds / handled",
        "components": [
            {"name": "handle_seconds", "aggregation": "SUM"},
            {"name": "handled", "aggregation": "SUM"},
        ],
        "minSample": {"component": "handled", "minimum": "20"},
    }
    assert (await gql.data(NODE, {"id": kpi["id"]}, org.token("employee")))["node"] == kpi
    assert await actions(database, org.id) == ["kpi.create"]


async def test_kpi_create_org_unit_subject_and_snapshot_aggregations(
    gql: Gql, make_org: Any
) -> None:
    org = await make_org()
    payload = await create(
        gql,
        org.token("hr"),
        code="ATTRITION",
        description="   ",
        subject="ORG_UNIT",
        components=[
            {"name": "separations"},
            {"name": "headcount_start", "aggregation": "FIRST"},
            {"name": "headcount_end", "aggregation": "LAST"},
        ],
        formula="separations / ((headcount_start + headcount_end) / 2) * 100",
        minSample=None,
    )
    assert payload["userErrors"] == []
    assert payload["kpi"]["subject"] == "ORG_UNIT"
    assert [c["aggregation"] for c in payload["kpi"]["components"]] == ["SUM", "FIRST", "LAST"]
    assert payload["kpi"]["minSample"] is None
    assert payload["kpi"]["description"] is None


RULES = [
    pytest.param({"code": "aht"}, "INVALID", ["input", "code"], id="code-lower-case"),
    pytest.param({"code": "1AHT"}, "INVALID", ["input", "code"], id="code-leading-digit"),
    pytest.param({"name": "  "}, "INVALID", ["input", "name"], id="name-empty"),
    pytest.param({"description": "x" * 2001}, "INVALID", ["input", "description"], id="desc-long"),
    pytest.param(
        {"components": [], "minSample": None},
        "INVALID",
        ["input", "components"],
        id="no-components",
    ),
    pytest.param(
        {"components": [{"name": "handle_seconds"}, {"name": "Handled"}], "minSample": None},
        "INVALID",
        ["input", "components", "1", "name"],
        id="component-name",
    ),
    pytest.param(
        {"components": [{"name": "handled"}, {"name": "handled"}], "formula": "handled"},
        "INVALID",
        ["input", "components", "1", "name"],
        id="component-repeated",
    ),
    pytest.param(
        {"minSample": {"component": "responses", "minimum": "20"}},
        "INVALID",
        ["input", "minSample", "component"],
        id="min-sample-not-a-component",
    ),
    pytest.param(
        {"minSample": {"component": "handled", "minimum": "-1"}},
        "INVALID",
        ["input", "minSample", "minimum"],
        id="min-sample-negative",
    ),
    pytest.param(
        {"minSample": {"component": "handled", "minimum": "NaN"}},
        "INVALID",
        ["input", "minSample", "minimum"],
        id="min-sample-not-a-number",
    ),
    pytest.param(
        {"formula": "handle_seconds / / handled"},
        "INVALID_FORMULA",
        ["input", "formula"],
        id="formula-syntax",
    ),
    pytest.param(
        {"formula": "handle_seconds / contacts"},
        "INVALID_FORMULA",
        ["input", "formula"],
        id="formula-unknown-component",
    ),
    pytest.param(
        {"formula": "handle_seconds", "minSample": None},
        "INVALID_FORMULA",
        ["input", "formula"],
        id="component-unused",
    ),
]


@pytest.mark.parametrize(("changes", "code", "field"), RULES)
async def test_kpi_create_rule(
    gql: Gql, make_org: Any, database: Any, changes: dict[str, Any], code: str, field: list[str]
) -> None:
    org = await make_org()
    payload = await create(gql, org.token("admin"), **changes)
    assert payload["kpi"] is None
    assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [(code, field)]
    assert await count(database, org.id, "kpi") == 0
    assert await count(database, org.id, "audit_log") == 0


async def test_kpi_create_duplicate_code(gql: Gql, make_org: Any, database: Any) -> None:
    org = await make_org()
    token = org.token("admin")
    assert (await create(gql, token))["userErrors"] == []
    payload = await create(gql, token, name="Another AHT")
    assert payload["userErrors"] == [
        {"code": "DUPLICATE", "field": ["input", "code"], "message": "a KPI with code 'AHT' exists"}
    ]
    assert await count(database, org.id, "kpi") == 1
    assert await count(database, org.id, "audit_log") == 1


async def test_formula_errors_name_the_position(gql: Gql, make_org: Any) -> None:
    org = await make_org()
    token = org.token("admin")
    syntax = await create(gql, token, formula="handle_seconds / (handled")
    assert (
        syntax["userErrors"][0]["message"] == "expected ')' but found end of formula at position 25"
    )
    unknown = await create(gql, token, formula="handle_seconds / handeld")
    assert unknown["userErrors"][0]["message"] == "unknown component 'handeld' at position 17"
    unused = await create(gql, token, formula="handled * 2", minSample=None)
    assert (
        unused["userErrors"][0]["message"]
        == "component 'handle_seconds' is not used by the formula"
    )


async def test_kpi_catalogue_lists_the_builtin_kpis(gql: Gql, make_org: Any) -> None:
    org = await make_org()
    query = "{ kpiCatalogue { code unit subject formula minSample { component minimum } } }"
    entries = (await gql.data(query, token=org.token("employee")))["kpiCatalogue"]
    assert [e["code"] for e in entries] == [k.code for k in load_catalogue()]
    assert len(entries) == 28
    csat = next(e for e in entries if e["code"] == "CSAT")
    assert csat["minSample"] == {"component": "responses", "minimum": "20"}
    assert next(e for e in entries if e["code"] == "SL")["subject"] == "ORG_UNIT"


async def test_catalog_import_all_then_duplicate(gql: Gql, make_org: Any, database: Any) -> None:
    org = await make_org()
    token = org.token("admin")
    codes = [k.code for k in load_catalogue()]
    payload = (await gql.data(IMPORT, {"input": {"codes": codes[::-1]}}, token))["kpiCatalogImport"]
    assert payload["userErrors"] == []
    assert [k["code"] for k in payload["kpis"]] == codes[::-1]
    listed = (await gql.data(LIST, {"first": 100}, token))["organization"]["kpis"]
    assert [e["node"]["code"] for e in listed["edges"]] == sorted(codes)
    assert await actions(database, org.id) == ["kpi.catalogImport"] * 28
    again = (await gql.data(IMPORT, {"input": {"codes": ["CSAT"]}}, token))["kpiCatalogImport"]
    assert again == {
        "kpis": [],
        "userErrors": [
            {
                "code": "DUPLICATE",
                "field": ["input", "codes", "0"],
                "message": "a KPI with code 'CSAT' exists",
            }
        ],
    }
    assert await count(database, org.id, "kpi") == 28
    assert await count(database, org.id, "audit_log") == 28


async def test_catalog_import_is_all_or_nothing(gql: Gql, make_org: Any, database: Any) -> None:
    org = await make_org()
    token = org.token("admin")
    assert (await create(gql, token))["userErrors"] == []
    variables = {"input": {"codes": ["ACW", "AHT", "QA", "QA"]}}
    payload = (await gql.data(IMPORT, variables, token))["kpiCatalogImport"]
    assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [
        ("DUPLICATE", ["input", "codes", "1"]),
        ("DUPLICATE", ["input", "codes", "3"]),
    ]
    assert await count(database, org.id, "kpi") == 1


async def test_catalog_import_unknown_code(gql: Gql, make_org: Any, database: Any) -> None:
    org = await make_org()
    variables = {"input": {"codes": ["AHT", "NOPE"]}}
    payload = (await gql.data(IMPORT, variables, org.token("hr")))["kpiCatalogImport"]
    assert payload["kpis"] == []
    assert payload["userErrors"] == [
        {
            "code": "UNKNOWN_CODE",
            "field": ["input", "codes", "1"],
            "message": "'NOPE' is not a code of the built-in catalogue",
        }
    ]
    assert await count(database, org.id, "kpi") == 0
    assert await count(database, org.id, "audit_log") == 0


async def test_kpis_connection_pages_by_code(gql: Gql, make_org: Any) -> None:
    org = await make_org()
    token = org.token("admin")
    codes = ["SL", "AHT", "QA", "CSAT", "FCR"]
    assert (await gql.data(IMPORT, {"input": {"codes": codes}}, token))["kpiCatalogImport"][
        "userErrors"
    ] == []
    seen: list[str] = []
    after = None
    for _ in range(3):
        page = (await gql.data(LIST, {"first": 2, "after": after}, token))["organization"]["kpis"]
        seen += [e["node"]["code"] for e in page["edges"]]
        after = page["pageInfo"]["endCursor"]
        if not page["pageInfo"]["hasNextPage"]:
            break
    assert seen == sorted(codes)
    bad = await gql(LIST, {"first": 101}, token)
    assert bad["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


@pytest.mark.parametrize("role", ["employee", "manager"])
async def test_definitions_need_admin_or_hr(
    gql: Gql, make_org: Any, database: Any, role: str
) -> None:
    org = await make_org()
    token = org.token(role, sub="E1")
    for query, variables in [
        (CREATE, {"input": aht()}),
        (IMPORT, {"input": {"codes": ["AHT"]}}),
    ]:
        body = await gql(query, variables, token)
        assert body["data"] is None
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert await count(database, org.id, "kpi") == 0


async def test_api_key_scopes(gql: Gql, make_org: Any, database: Any) -> None:
    org = await make_org()
    writer = await org.api_key(["definitions:write"])
    payload = (await gql.data(IMPORT, {"input": {"codes": ["AHT"]}}, writer))["kpiCatalogImport"]
    assert payload["userErrors"] == []
    assert (await create(gql, writer, code="AHT2"))["userErrors"] == []
    reader = await org.api_key(["scorecards:read"])
    denied = await gql(CREATE, {"input": aht(code="AHT3")}, reader)
    assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    listed = (await gql.data(LIST, {"first": 10}, reader))["organization"]["kpis"]["edges"]
    assert [e["node"]["code"] for e in listed] == ["AHT", "AHT2"]
    rows = await actions(database, org.id)
    assert rows == ["kpi.catalogImport", "kpi.create"]


async def test_another_tenants_kpi_is_unknown(gql: Gql, make_org: Any) -> None:
    org_a, org_b = await make_org(), await make_org()
    theirs = (await create(gql, org_b.token("admin")))["kpi"]["id"]
    token = org_a.token("admin")
    assert (await gql.data(NODE, {"id": theirs}, token))["node"] is None
    listed = (await gql.data(LIST, {"first": 10}, token))["organization"]["kpis"]["edges"]
    assert listed == []
    # Org A may define its own AHT: codes are unique per organization only.
    assert (await create(gql, token))["userErrors"] == []
