"""periodCreate and Organization.periods against a real database."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from kra_api.dates import today_in
from tests.catalog.kpi_support import actions, count
from tests.conftest import Gql

PERIOD_FIELDS = "id name kind startDate endDate state previous { id name }"
CREATE = f"""
mutation($input: PeriodCreateInput!) {{
  periodCreate(input: $input) {{ period {{ {PERIOD_FIELDS} }} userErrors {{ code field message }} }}
}}"""
LIST = """query($first: Int, $after: String, $filter: PeriodFilter) { organization {
  periods(first: $first, after: $after, filter: $filter) {
    edges { node { name startDate } } pageInfo { hasNextPage endCursor } } } }"""
NODE = f"query($id: ID!) {{ node(id: $id) {{ ... on Period {{ {PERIOD_FIELDS} }} }} }}"


async def create(
    gql: Gql, token: str, name: str, start: str, end: str, kind: str | None = "MONTH"
) -> dict[str, Any]:
    """Run periodCreate; return the payload."""
    data = {"name": name, "startDate": start, "endDate": end}
    if kind is not None:
        data["kind"] = kind
    payload: dict[str, Any] = (await gql.data(CREATE, {"input": data}, token))["periodCreate"]
    return payload


async def names(gql: Gql, token: str, **filter: Any) -> list[str]:
    """Names of the periods matching ``filter``, in list order."""
    data = await gql.data(LIST, {"first": 100, "filter": filter or None}, token)
    return [e["node"]["name"] for e in data["organization"]["periods"]["edges"]]


SHAPES = [
    ("MONTH", "2026-01-01", "2026-02-01", None),
    ("MONTH", "2026-12-01", "2027-01-01", None),
    ("MONTH", "2026-02-01", "2026-03-01", None),
    ("MONTH", "2026-01-02", "2026-02-02", "startDate"),
    ("MONTH", "2026-01-01", "2026-01-31", "endDate"),
    ("MONTH", "2026-01-01", "2026-03-01", "endDate"),
    ("QUARTER", "2026-04-01", "2026-07-01", None),
    ("QUARTER", "2026-10-01", "2027-01-01", None),
    ("QUARTER", "2026-02-01", "2026-05-01", "startDate"),
    ("QUARTER", "2026-01-01", "2026-03-01", "endDate"),
    ("HALF_YEAR", "2026-01-01", "2026-07-01", None),
    ("HALF_YEAR", "2026-07-01", "2027-01-01", None),
    ("HALF_YEAR", "2026-04-01", "2026-10-01", "startDate"),
    ("HALF_YEAR", "2026-07-01", "2026-12-31", "endDate"),
    ("YEAR", "2026-01-01", "2027-01-01", None),
    ("YEAR", "2026-07-01", "2027-07-01", "startDate"),
    ("YEAR", "2026-01-01", "2026-12-31", "endDate"),
    ("CUSTOM", "2026-01-10", "2026-01-24", None),
    ("CUSTOM", "2026-01-10", "2026-01-11", None),
    ("CUSTOM", "2026-01-10", "2026-01-10", "endDate"),
    ("MONTH", "2026-02-01", "2026-01-01", "endDate"),
    ("CUSTOM", "1800-01-01", "2026-01-01", "startDate"),
]


@pytest.mark.parametrize(("kind", "start", "end", "bad"), SHAPES)
async def test_period_shape_per_kind(
    gql: Gql, make_org: Any, database: Any, kind: str, start: str, end: str, bad: str | None
) -> None:
    org = await make_org()
    payload = await create(gql, org.token("admin"), "P", start, end, kind)
    if bad is None:
        assert payload["userErrors"] == []
        assert payload["period"]["kind"] == kind
        assert (payload["period"]["startDate"], payload["period"]["endDate"]) == (start, end)
        assert await actions(database, org.id) == ["period.create"]
    else:
        assert payload["period"] is None
        assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [
            ("INVALID", ["input", bad])
        ]
        assert await count(database, org.id, "period") == 0
        assert await count(database, org.id, "audit_log") == 0


async def test_kind_defaults_to_month_and_name_is_required(gql: Gql, make_org: Any) -> None:
    org = await make_org()
    token = org.token("hr")
    made = await create(gql, token, "January 2026", "2026-01-01", "2026-02-01", kind=None)
    assert made["period"]["kind"] == "MONTH"
    unnamed = await create(gql, token, " ", "2026-02-01", "2026-03-01")
    assert [(e["code"], e["field"]) for e in unnamed["userErrors"]] == [
        ("INVALID", ["input", "name"])
    ]


async def test_overlap_within_a_kind(gql: Gql, make_org: Any, database: Any) -> None:
    org = await make_org()
    token = org.token("admin")
    assert (await create(gql, token, "January 2026", "2026-01-01", "2026-02-01"))[
        "userErrors"
    ] == []
    assert (await create(gql, token, "Q1 2026", "2026-01-01", "2026-04-01", "QUARTER"))[
        "userErrors"
    ] == []
    clash = await create(gql, token, "Jan bis", "2026-01-01", "2026-02-01")
    assert clash["userErrors"] == [
        {
            "code": "OVERLAP",
            "field": ["input", "startDate"],
            "message": "overlaps MONTH period 'January 2026' (2026-01-01 to 2026-02-01)",
        }
    ]
    custom = await create(gql, token, "Sprint", "2026-01-20", "2026-02-10", "CUSTOM")
    assert custom["userErrors"] == []
    partial = await create(gql, token, "Sprint 2", "2026-02-09", "2026-02-20", "CUSTOM")
    assert partial["userErrors"][0]["code"] == "OVERLAP"
    assert "'Sprint'" in partial["userErrors"][0]["message"]
    touching = await create(gql, token, "Sprint 3", "2026-02-10", "2026-02-20", "CUSTOM")
    assert touching["userErrors"] == []
    assert await count(database, org.id, "period") == 4
    assert await count(database, org.id, "audit_log") == 4


async def test_previous_is_the_same_kind_ending_at_the_start(gql: Gql, make_org: Any) -> None:
    org = await make_org()
    token = org.token("admin")
    jan = (await create(gql, token, "January", "2026-01-01", "2026-02-01"))["period"]
    await create(gql, token, "Run-up", "2026-01-15", "2026-02-01", "CUSTOM")
    feb = (await create(gql, token, "February", "2026-02-01", "2026-03-01"))["period"]
    q1 = (await create(gql, token, "Q1", "2026-01-01", "2026-04-01", "QUARTER"))["period"]
    assert feb["previous"] == {"id": jan["id"], "name": "January"}
    assert jan["previous"] is None
    assert q1["previous"] is None
    node = (await gql.data(NODE, {"id": feb["id"]}, org.token("employee")))["node"]
    assert node["previous"] == {"id": jan["id"], "name": "January"}


async def test_state_follows_today(gql: Gql, make_org: Any) -> None:
    org = await make_org()
    token = org.token("admin")
    today = today_in("UTC")
    month_start = today.replace(day=1)
    month_end = (month_start + dt.timedelta(days=32)).replace(day=1)
    cases = [
        ("past", "2020-01-01", "2020-02-01", "MONTH", "FINAL"),
        ("current", month_start.isoformat(), month_end.isoformat(), "MONTH", "OPEN"),
        (
            "grace",
            (today - dt.timedelta(days=10)).isoformat(),
            (today - dt.timedelta(days=1)).isoformat(),
            "CUSTOM",
            "PROVISIONAL",
        ),
    ]
    for name, start, end, kind, state in cases:
        period = (await create(gql, token, name, start, end, kind))["period"]
        assert period["state"] == state, name
    assert await names(gql, token, state="OPEN") == ["current"]
    assert await names(gql, token, state="PROVISIONAL") == ["grace"]
    assert await names(gql, token, state="FINAL") == ["past"]


async def test_filters_and_newest_first(gql: Gql, make_org: Any) -> None:
    org = await make_org()
    token = org.token("admin")
    for name, start, end, kind in [
        ("Jan", "2026-01-01", "2026-02-01", "MONTH"),
        ("Feb", "2026-02-01", "2026-03-01", "MONTH"),
        ("Mar", "2026-03-01", "2026-04-01", "MONTH"),
        ("Q1", "2026-01-01", "2026-04-01", "QUARTER"),
        ("2026", "2026-01-01", "2027-01-01", "YEAR"),
        ("Dec", "2025-12-01", "2026-01-01", "MONTH"),
    ]:
        assert (await create(gql, token, name, start, end, kind))["userErrors"] == []
    everything = await names(gql, token)
    assert everything[:2] == ["Mar", "Feb"]
    assert set(everything[2:5]) == {"Jan", "Q1", "2026"}
    assert everything[5] == "Dec"
    assert await names(gql, token, kind="MONTH") == ["Mar", "Feb", "Jan", "Dec"]
    assert set(await names(gql, token, containing="2026-02-14")) == {"Feb", "Q1", "2026"}
    assert await names(gql, token, containing="2026-02-01", kind="MONTH") == ["Feb"]
    assert await names(gql, token, containing="2026-04-01", kind="QUARTER") == []
    seen: list[str] = []
    after = None
    while True:
        data = await gql.data(LIST, {"first": 4, "after": after}, token)
        page = data["organization"]["periods"]
        seen += [e["node"]["name"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == everything


async def test_permissions_and_tenant_isolation(gql: Gql, make_org: Any, database: Any) -> None:
    org_a, org_b = await make_org(), await make_org()
    theirs = (await create(gql, org_b.token("admin"), "B Jan", "2026-01-01", "2026-02-01"))[
        "period"
    ]
    token = org_a.token("admin")
    assert (await gql.data(NODE, {"id": theirs["id"]}, token))["node"] is None
    assert await names(gql, token) == []
    # Org B's January does not clash with org A's.
    assert (await create(gql, token, "A Jan", "2026-01-01", "2026-02-01"))["userErrors"] == []
    body = await gql(
        CREATE,
        {"input": {"name": "X", "startDate": "2026-02-01", "endDate": "2026-03-01"}},
        org_a.token("employee", sub="E1"),
    )
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    key = await org_a.api_key(["definitions:write"])
    assert (await create(gql, key, "A Feb", "2026-02-01", "2026-03-01"))["userErrors"] == []
    assert await count(database, org_a.id, "period") == 2
