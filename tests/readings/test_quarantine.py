"""Unknown external ids are quarantined, never dropped, and applied once the id is known;
another tenant's ids are simply unknown here."""

from __future__ import annotations

from typing import Any

from tests.catalog.kpi_support import create
from tests.conftest import Gql
from tests.helpers import CREATE_UNIT, UPSERT
from tests.readings.support import (
    LINK,
    QUARANTINE,
    count,
    counts,
    quarantined,
    reading,
    record,
    setup,
    stored,
)


async def _upsert(gql: Gql, token: str, rows: list[dict[str, Any]]) -> dict[str, Any]:
    payload: dict[str, Any] = (
        await gql.data(
            UPSERT.replace("unchanged", "unchanged readingsApplied"),
            {"input": {"employees": rows}},
            token,
        )
    )["employeesUpsert"]
    assert payload["userErrors"] == []
    return payload


async def test_unknown_employee_is_held_then_applied_by_employees_upsert(
    gql: Gql, make_org: Any, database: Any
) -> None:
    org = await make_org()
    token = await setup(gql, org)
    first = reading("E9", seconds="3000.125", revision=2)
    assert counts(await record(gql, token, [first, reading("E1")])) == (1, 0, 0, 1, 0)
    # Replaying keeps one quarantined copy; a lower revision does not replace it.
    assert counts(await record(gql, token, [first])) == (0, 0, 0, 1, 0)
    assert counts(await record(gql, token, [reading("E9", revision=1)])) == (0, 0, 0, 1, 0)
    page = (await gql.data(QUARANTINE, {"source": "wfm", "first": 10}, token))[
        "quarantinedReadings"
    ]
    [edge] = page["edges"]
    assert edge["node"] == {
        "source": "wfm",
        "employeeExternalId": "E9",
        "orgUnitExternalId": None,
        "kpi": {"code": "AHT"},
        "intervalStart": "2026-03-02T00:00:00+00:00",
        "intervalEnd": "2026-03-03T00:00:00+00:00",
        "components": [
            {"name": "handle_seconds", "value": "3000.125"},
            {"name": "handled", "value": "10"},
        ],
        "sourceRevision": 2,
        "reason": "UNKNOWN_EMPLOYEE",
    }
    assert await count(database, org.id, "kpi_reading") == 1
    payload = await _upsert(gql, token, [{"externalId": "E9", "name": "Late hire"}])
    assert payload["readingsApplied"] == 1
    assert await quarantined(database, org.id) == []
    rows = await stored(database, org.id)
    assert len(rows) == 2
    assert {str(r["components"]["handle_seconds"]) for r in rows} == {"3000", "3000.125"}
    assert await _upsert(gql, token, [{"externalId": "E9", "name": "Late hire"}]) == {
        **payload,
        "inserted": 0,
        "unchanged": 1,
        "readingsApplied": 0,
    }


async def test_source_identities_resolve_first_and_apply_on_link(
    gql: Gql, make_org: Any, database: Any
) -> None:
    org = await make_org()
    token = await setup(gql, org)
    ids = {
        e["externalId"]: e["id"]
        for e in (
            await gql.data(
                UPSERT,
                {
                    "input": {
                        "employees": [
                            {
                                "externalId": "E1",
                                "name": "A",
                                "identities": [{"source": "wfm", "externalId": "E2"}],
                            }
                        ]
                    }
                },
                token,
            )
        )["employeesUpsert"]["employees"]
    }
    # wfm's "E2" is E1 (its identity wins over the HRIS id E2); acd's "E2" is the HRIS E2.
    await record(gql, token, [reading("E2", seconds="1")], source="wfm")
    await record(gql, token, [reading("E2", seconds="2")], source="acd")
    later = {"start": "2026-03-05T00:00:00Z", "end": "2026-03-06T00:00:00Z"}
    await record(gql, token, [reading("W-17", seconds="3", **later)], source="wfm")
    await record(gql, token, [reading("W-17", seconds="4")], source="qa")
    link = {"employeeId": ids["E1"], "source": "wfm", "externalId": "W-17"}
    payload = (await gql.data(LINK, {"input": link}, token))["employeeIdentityLink"]
    assert payload == {"employee": {"externalId": "E1"}, "applied": 1, "userErrors": []}
    again = (await gql.data(LINK, {"input": link}, token))["employeeIdentityLink"]
    assert again["applied"] == 0
    assert again["userErrors"] == []
    rows = await stored(database, org.id)
    by_value = {str(r["components"]["handle_seconds"]): r for r in rows}
    assert set(by_value) == {"1", "2", "3"}
    assert by_value["1"]["subject_id"] == by_value["3"]["subject_id"] != by_value["2"]["subject_id"]
    [left] = await quarantined(database, org.id)  # qa's W-17 is still nobody
    assert (left["source"], left["external_id"]) == ("qa", "W-17")


async def test_identity_link_errors(gql: Gql, make_org: Any, database: Any) -> None:
    org, other = await make_org(), await make_org()
    token = await setup(gql, org)
    ids = {
        e["externalId"]: e["id"]
        for e in (
            await gql.data(
                UPSERT,
                {
                    "input": {
                        "employees": [
                            {
                                "externalId": "E1",
                                "name": "A",
                                "identities": [{"source": "wfm", "externalId": "W1"}],
                            },
                            {"externalId": "E2", "name": "B"},
                        ]
                    }
                },
                token,
            )
        )["employeesUpsert"]["employees"]
    }
    foreign = await setup(gql, other, "F1")
    foreign_id = (
        await gql.data(
            UPSERT, {"input": {"employees": [{"externalId": "F1", "name": "F"}]}}, foreign
        )
    )["employeesUpsert"]["employees"][0]["id"]
    cases = [
        (
            {"employeeId": ids["E2"], "source": "wfm", "externalId": "W1"},
            "DUPLICATE_IDENTITY",
            "externalId",
        ),
        (
            {"employeeId": foreign_id, "source": "wfm", "externalId": "W2"},
            "NOT_FOUND",
            "employeeId",
        ),
        (
            {"employeeId": "bm9wZQ==", "source": "wfm", "externalId": "W2"},
            "NOT_FOUND",
            "employeeId",
        ),
        ({"employeeId": ids["E2"], "source": " ", "externalId": "W2"}, "INVALID", "source"),
    ]
    for data, code, field in cases:
        payload = (await gql.data(LINK, {"input": data}, token))["employeeIdentityLink"]
        assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [
            (code, ["input", field])
        ]
        assert payload["employee"] is None
    hr_key = await org.api_key(["readings:write"])
    body = await gql(LINK, {"input": cases[0][0]}, hr_key)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_org_unit_readings(gql: Gql, make_org: Any, database: Any) -> None:
    org = await make_org()
    token = await setup(gql, org)
    sl = await create(
        gql,
        token,
        code="SL",
        subject="ORG_UNIT",
        unit="PERCENT",
        direction="HIGHER_IS_BETTER",
        components=[{"name": "answered_in_sl"}, {"name": "offered"}],
        formula="answered_in_sl / offered * 100",
        minSample=None,
    )
    assert sl["userErrors"] == []
    unit = await gql.data(
        CREATE_UNIT, {"input": {"name": "Q", "kind": "TEAM", "externalId": "Q-1"}}, token
    )
    assert unit["orgUnitCreate"]["userErrors"] == []

    def queue(external_id: str) -> dict[str, Any]:
        return {
            "orgUnitExternalId": external_id,
            "kpiCode": "SL",
            "intervalStart": "2026-03-02T00:00:00Z",
            "intervalEnd": "2026-03-03T00:00:00Z",
            "components": [
                {"name": "answered_in_sl", "value": "80"},
                {"name": "offered", "value": "100"},
            ],
        }

    payload = await record(gql, token, [queue("Q-1"), queue("Q-404")])
    assert counts(payload) == (1, 0, 0, 1, 0)
    [row] = await stored(database, org.id)
    assert row["subject_kind"] == "ORG_UNIT"
    [held] = await quarantined(database, org.id)
    assert (held["subject_kind"], held["reason"]) == ("ORG_UNIT", "UNKNOWN_ORG_UNIT")
    page = (await gql.data(QUARANTINE, {"source": "wfm", "first": 5}, token))["quarantinedReadings"]
    assert page["edges"][0]["node"]["orgUnitExternalId"] == "Q-404"
    # Creating the unit with that external id applies its quarantined readings.
    created = await gql.data(
        CREATE_UNIT, {"input": {"name": "Q404", "kind": "TEAM", "externalId": "Q-404"}}, token
    )
    assert created["orgUnitCreate"]["userErrors"] == []
    assert await quarantined(database, org.id) == []
    assert len(await stored(database, org.id)) == 2


async def test_another_tenants_ids_are_quarantined_here(
    gql: Gql, make_org: Any, database: Any
) -> None:
    a, b = await make_org(), await make_org()
    token_a = await setup(gql, a, "A1")
    token_b = await setup(gql, b, "B1")
    key_a = await a.api_key(["readings:write"])
    payload = await record(gql, key_a, [reading("B1"), reading("A1")])
    assert counts(payload) == (1, 0, 0, 1, 0)
    assert [q["external_id"] for q in await quarantined(database, a.id)] == ["B1"]
    assert await count(database, b.id, "kpi_reading") == 0
    assert await count(database, b.id, "kpi_reading_quarantine") == 0
    page = (await gql.data(QUARANTINE, {"source": "wfm", "first": 5}, token_b))[
        "quarantinedReadings"
    ]
    assert page["edges"] == []
    # B upserting its own B1 applies nothing of A's.
    assert (await _upsert(gql, token_b, [{"externalId": "B1", "name": "B one"}]))[
        "readingsApplied"
    ] == 0
    assert await count(database, a.id, "kpi_reading_quarantine") == 1
    assert token_a


async def test_quarantine_list_pages_and_needs_hr(gql: Gql, make_org: Any) -> None:
    org = await make_org()
    token = await setup(gql, org)
    await record(gql, token, [reading(f"X{i}") for i in range(3)])
    await record(gql, token, [reading("Y1")], source="acd")
    first = (await gql.data(QUARANTINE, {"source": "wfm", "first": 2}, token))[
        "quarantinedReadings"
    ]
    assert first["pageInfo"]["hasNextPage"] is True
    after = first["pageInfo"]["endCursor"]
    rest = (await gql.data(QUARANTINE, {"source": "wfm", "first": 2, "after": after}, token))[
        "quarantinedReadings"
    ]
    seen = [e["node"]["employeeExternalId"] for e in first["edges"] + rest["edges"]]
    assert sorted(seen) == ["X0", "X1", "X2"]
    assert rest["pageInfo"]["hasNextPage"] is False
    for credential in (org.token("manager", sub="E1"), await org.api_key(["readings:write"])):
        body = await gql(QUARANTINE, {"source": "wfm", "first": 2}, credential)
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    body = await gql(QUARANTINE, {"source": "wfm", "first": 101}, token)
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
