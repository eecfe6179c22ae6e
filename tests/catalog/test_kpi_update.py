"""kpiUpdate: what may change, validation, NOT_FOUND across tenants and the IN_USE guard."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy import text

from kra_api.db.session import Database
from kra_api.graphql.core.ids import parse_global_id
from tests.catalog.kpi_support import UPDATE, actions, create
from tests.conftest import Gql


async def update(gql: Gql, token: str, **fields: Any) -> dict[str, Any]:
    """Run kpiUpdate with ``fields``; return the payload."""
    payload: dict[str, Any] = (await gql.data(UPDATE, {"input": fields}, token))["kpiUpdate"]
    return payload


@pytest.fixture
def readings_table(database: Database) -> Any:
    """Stores one reading of a KPI straight into ``kpi_reading`` (as the owner)."""

    async def add(org_id: uuid.UUID, kpi_id: uuid.UUID) -> None:
        async with database.engine.begin() as conn:
            await conn.execute(text("SELECT kra_reading_partition(DATE '2026-03-01')"))
        async with database.engine.begin() as conn:
            await conn.execute(
                text(
                    "INSERT INTO kpi_reading (organization_id, source, subject_kind, subject_id, "
                    "kpi_id, interval_start, interval_end, components, component_values, "
                    "received_at) VALUES (:org, 'test', 'EMPLOYEE', gen_random_uuid(), :kpi, "
                    "'2026-03-02Z', '2026-03-03Z', '{}', '{}', now())"
                ),
                {"org": org_id, "kpi": kpi_id},
            )

    return add


def row_id(global_id: str) -> uuid.UUID:
    """The uuid inside a global id."""
    parsed = parse_global_id(global_id)
    assert parsed is not None
    return parsed[1]


async def test_update_everything_before_readings(gql: Gql, make_org: Any, database: Any) -> None:
    org = await make_org()
    token = org.token("admin")
    kpi_id = (await create(gql, token))["kpi"]["id"]
    payload = await update(
        gql,
        token,
        kpiId=kpi_id,
        name="AHT (voice)",
        description=None,
        unit="RATIO",
        direction="HIGHER_IS_BETTER",
        components=[{"name": "handled"}, {"name": "talk_seconds", "aggregation": "LAST"}],
        formula="handled / talk_seconds",
        minSample=None,
    )
    assert payload["userErrors"] == []
    kpi = payload["kpi"]
    assert (kpi["name"], kpi["description"], kpi["unit"], kpi["direction"]) == (
        "AHT (voice)",
        None,
        "RATIO",
        "HIGHER_IS_BETTER",
    )
    assert kpi["components"][1] == {"name": "talk_seconds", "aggregation": "LAST"}
    assert (kpi["formula"], kpi["minSample"], kpi["code"]) == (
        "handled / talk_seconds",
        None,
        "AHT",
    )
    assert await actions(database, org.id) == ["kpi.create", "kpi.update"]


async def test_omitted_fields_are_kept(gql: Gql, make_org: Any, database: Any) -> None:
    org = await make_org()
    token = org.token("hr")
    created = (await create(gql, token))["kpi"]
    payload = await update(gql, token, kpiId=created["id"], name="Handle time")
    assert payload["kpi"] == {**created, "name": "Handle time"}
    # Sending the same values again changes nothing and writes no audit entry.
    same = await update(
        gql, token, kpiId=created["id"], name="Handle time", formula=created["formula"]
    )
    assert same["userErrors"] == []
    assert await actions(database, org.id) == ["kpi.create", "kpi.update"]


@pytest.mark.parametrize(
    ("fields", "code", "field"),
    [
        pytest.param({"name": ""}, "INVALID", ["input", "name"], id="name"),
        pytest.param(
            {"formula": "handled +"}, "INVALID_FORMULA", ["input", "formula"], id="syntax"
        ),
        pytest.param(
            {"components": [{"name": "handled"}]},
            "INVALID_FORMULA",
            ["input", "formula"],
            id="formula-uses-removed-component",
        ),
        pytest.param(
            {"minSample": {"component": "calls", "minimum": "1"}},
            "INVALID",
            ["input", "minSample", "component"],
            id="min-sample",
        ),
    ],
)
async def test_update_validation(
    gql: Gql, make_org: Any, database: Any, fields: dict[str, Any], code: str, field: list[str]
) -> None:
    org = await make_org()
    token = org.token("admin")
    created = (await create(gql, token))["kpi"]
    payload = await update(gql, token, kpiId=created["id"], **fields)
    assert payload["kpi"] is None
    assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [(code, field)]
    node = await gql.data(
        "query($id: ID!) { node(id: $id) { ... on Kpi { name formula } } }",
        {"id": created["id"]},
        token,
    )
    assert node["node"] == {"name": created["name"], "formula": created["formula"]}
    assert await actions(database, org.id) == ["kpi.create"]


async def test_update_unknown_or_foreign_kpi_is_not_found(gql: Gql, make_org: Any) -> None:
    org_a, org_b = await make_org(), await make_org()
    theirs = (await create(gql, org_b.token("admin")))["kpi"]
    token = org_a.token("admin")
    for kpi_id in (theirs["id"], "not-an-id", "S3BpOjEyMw=="):
        payload = await update(gql, token, kpiId=kpi_id, name="Mine now")
        assert payload["userErrors"] == [
            {"code": "NOT_FOUND", "field": ["input", "kpiId"], "message": "no such KPI"}
        ]
    node = await gql.data(
        "query($id: ID!) { node(id: $id) { ... on Kpi { name } } }",
        {"id": theirs["id"]},
        org_b.token("admin"),
    )
    assert node["node"] == {"name": theirs["name"]}


async def test_definition_is_locked_once_readings_exist(
    gql: Gql, make_org: Any, database: Any, readings_table: Any
) -> None:
    org, other = await make_org(), await make_org()
    token = org.token("admin")
    kpi = (await create(gql, token))["kpi"]
    free = (await create(gql, token, code="ACW"))["kpi"]
    await readings_table(org.id, row_id(kpi["id"]))
    # A reading names its own organization's KPI (composite foreign key): another
    # organization's readings, even of a KPI with the same code, lock nothing here.
    other_kpi = (await create(gql, other.token("admin"), code="ACW"))["kpi"]
    await readings_table(other.id, row_id(other_kpi["id"]))
    locked = await update(
        gql,
        token,
        kpiId=kpi["id"],
        unit="RATIO",
        formula="handle_seconds / handled / 60",
        minSample=None,
    )
    assert locked["kpi"] is None
    assert [(e["code"], e["field"]) for e in locked["userErrors"]] == [
        ("IN_USE", ["input", "formula"]),
        ("IN_USE", ["input", "minSample"]),
        ("IN_USE", ["input", "unit"]),
    ]
    assert "readings of this KPI exist" in locked["userErrors"][0]["message"]
    # Name and description stay editable; resending the unchanged definition is fine.
    renamed = await update(
        gql,
        token,
        kpiId=kpi["id"],
        name="Handle time",
        description="Talk + hold + wrap",
        formula=kpi["formula"],
        components=kpi["components"],
    )
    assert renamed["userErrors"] == []
    assert renamed["kpi"]["description"] == "Talk + hold + wrap"
    unlocked = await update(gql, token, kpiId=free["id"], formula="handle_seconds / handled * 1")
    assert unlocked["userErrors"] == []
    assert await actions(database, org.id) == [
        "kpi.create",
        "kpi.create",
        "kpi.update",
        "kpi.update",
    ]


async def test_update_needs_definitions_write(gql: Gql, make_org: Any) -> None:
    org = await make_org()
    kpi_id = (await create(gql, org.token("admin")))["kpi"]["id"]
    body = await gql(UPDATE, {"input": {"kpiId": kpi_id, "name": "x"}}, org.token("manager"))
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    key = await org.api_key(["definitions:write"])
    assert (await update(gql, key, kpiId=kpi_id, name="By integration"))["userErrors"] == []
