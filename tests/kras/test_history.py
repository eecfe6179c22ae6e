"""KRA set versions over time: drafts copied from the current set, publishing ends it,
BEFORE_CURRENT, PERIOD_FINAL, SUPERSEDED, and published sets never change."""

from __future__ import annotations

from typing import Any

import pytest

from kra_api.db.session import Database
from tests.conftest import Gql
from tests.kras.support import (
    AGENT_KPIS,
    ITEM_ADD,
    ITEM_REMOVE,
    ITEM_UPDATE,
    KRA_CREATE,
    KRA_REMOVE,
    KRA_UPDATE,
    ROLE_SETS,
    actions,
    counts,
    draft,
    fill,
    import_kpis,
    payload,
    publish,
    role_with_draft,
)
from tests.periods.test_period_api import create as create_period


async def _published_v1(gql: Gql, make_org: Any, start: str = "2026-01-01") -> tuple[Any, ...]:
    org = await make_org()
    token = org.token("admin")
    await import_kpis(gql, token, AGENT_KPIS)
    role_id, v1 = await role_with_draft(gql, token)
    await fill(gql, token, v1)
    assert (await publish(gql, token, v1, start))["userErrors"] == []
    return org, token, role_id, v1


async def _sets(gql: Gql, token: str, role_id: str, at: str | None = None) -> dict[str, Any]:
    node: dict[str, Any] = (await gql.data(ROLE_SETS, {"id": role_id, "at": at}, token))["node"]
    return node


async def test_role_create_opens_draft_v1(gql: Gql, make_org: Any, database: Database) -> None:
    org = await make_org()
    role_id, set_id = await role_with_draft(gql, org.token("hr"))
    node = await _sets(gql, org.token("employee"), role_id)
    assert node["kraSet"] is None
    assert node["kraSets"] == [
        {"id": set_id, "version": 1, "status": "DRAFT", "effectiveFrom": None, "effectiveTo": None}
    ]
    assert await actions(database, org.id) == ["role.create", "kraSet.draft"]


async def test_history_v1_from_jan_v2_from_mar(gql: Gql, make_org: Any, database: Database) -> None:
    org, token, role_id, v1 = await _published_v1(gql, make_org)
    new = await draft(gql, token, role_id)
    assert new["userErrors"] == []
    v2 = new["kraSet"]
    assert (v2["version"], v2["status"], v2["effectiveFrom"]) == (2, "DRAFT", None)
    # The draft is a copy of v1: same KRAs and items, new ids.
    v1_set = (await _sets(gql, token, role_id, "2026-01-01"))["kraSet"]
    assert [(k["title"], k["weight"]) for k in v2["kras"]] == [
        (k["title"], k["weight"]) for k in v1_set["kras"]
    ]
    assert {k["id"] for k in v2["kras"]}.isdisjoint({k["id"] for k in v1_set["kras"]})
    assert (await publish(gql, token, v2["id"], "2026-03-01", "Q2 focus"))["userErrors"] == []
    feb = await _sets(gql, token, role_id, "2026-02-15")
    mar = await _sets(gql, token, role_id, "2026-03-01")
    assert (feb["kraSet"]["id"], feb["kraSet"]["version"]) == (v1, 1)
    assert (mar["kraSet"]["id"], mar["kraSet"]["version"]) == (v2["id"], 2)
    assert (await _sets(gql, token, role_id, "2025-12-31"))["kraSet"] is None
    assert mar["kraSets"] == [
        {
            "id": v2["id"],
            "version": 2,
            "status": "PUBLISHED",
            "effectiveFrom": "2026-03-01",
            "effectiveTo": None,
        },
        {
            "id": v1,
            "version": 1,
            "status": "PUBLISHED",
            "effectiveFrom": "2026-01-01",
            "effectiveTo": "2026-03-01",
        },
    ]
    log = await actions(database, org.id)
    assert log[-3:] == ["kraSet.draft", "kraSet.end", "kraSet.publish"]


async def test_before_current_is_refused_and_same_day_supersedes(
    gql: Gql, make_org: Any, database: Database
) -> None:
    org, token, role_id, v1 = await _published_v1(gql, make_org, "2026-03-01")
    v2 = (await draft(gql, token, role_id))["kraSet"]["id"]
    before = await counts(database, org.id)
    early = await publish(gql, token, v2, "2026-02-28")
    assert early["userErrors"] == [
        {
            "code": "BEFORE_CURRENT",
            "field": ["input", "effectiveFrom"],
            "message": "the current KRA set v1 starts 2026-03-01; "
            "a new version cannot start before it",
        }
    ]
    assert await counts(database, org.id) == before
    assert (await publish(gql, token, v2, "2026-03-01"))["userErrors"] == []
    node = await _sets(gql, token, role_id, "2026-03-01")
    assert node["kraSet"]["id"] == v2
    assert node["kraSets"][1] == {
        "id": v1,
        "version": 1,
        "status": "SUPERSEDED",
        "effectiveFrom": "2026-03-01",
        "effectiveTo": "2026-03-01",
    }
    assert "kraSet.supersede" in await actions(database, org.id)
    # The draft after v2 copies v2 (the newest published set), never the superseded v1.
    v3 = (await draft(gql, token, role_id))["kraSet"]
    assert v3["version"] == 3


async def test_publishing_into_a_final_period_is_refused(
    gql: Gql, make_org: Any, database: Database
) -> None:
    org = await make_org()
    token = org.token("admin")
    await import_kpis(gql, token, AGENT_KPIS)
    _, set_id = await role_with_draft(gql, token)
    await fill(gql, token, set_id)
    # A past month is FINAL by date (end + 3 grace days has passed); a CUSTOM one counts too.
    assert (await create_period(gql, token, "Jan 2020", "2020-01-01", "2020-02-01"))[
        "userErrors"
    ] == []
    assert (await create_period(gql, token, "Run", "2020-02-10", "2020-02-20", "CUSTOM"))[
        "userErrors"
    ] == []
    before = await counts(database, org.id)
    for start, name in (("2020-01-15", "'Jan 2020'"), ("2019-06-01", "'Jan 2020'")):
        refused = await publish(gql, token, set_id, start)
        [error] = refused["userErrors"]
        assert (error["code"], error["field"]) == ("PERIOD_FINAL", ["input", "effectiveFrom"])
        assert name in error["message"]
    custom = await publish(gql, token, set_id, "2020-02-01")
    assert "'Run'" in custom["userErrors"][0]["message"]
    assert await counts(database, org.id) == before
    assert (await publish(gql, token, set_id, "2020-02-20"))["userErrors"] == []


async def test_published_sets_never_change(gql: Gql, make_org: Any, database: Database) -> None:
    org, token, role_id, v1 = await _published_v1(gql, make_org)
    node = (await _sets(gql, token, role_id, "2026-01-01"))["kraSet"]
    kra_id = node["kras"][0]["id"]
    item_id = node["kras"][0]["items"][0]["id"]
    attempts = [
        (KRA_CREATE, {"kraSetId": v1, "title": "New", "weight": "10"}, "kraSetId"),
        (KRA_UPDATE, {"kraId": kra_id, "weight": "50"}, "kraId"),
        (KRA_REMOVE, {"kraId": kra_id}, "kraId"),
        (ITEM_ADD, {"kraId": kra_id, "kpiCode": "AHT", "weight": "5"}, "kraId"),
        (ITEM_UPDATE, {"kraItemId": item_id, "weight": "5"}, "kraItemId"),
        (ITEM_REMOVE, {"kraItemId": item_id}, "kraItemId"),
    ]
    before = await counts(database, org.id)
    for document, data, field in attempts:
        result = await payload(gql, token, document, data)
        [error] = result["userErrors"]
        assert (error["code"], error["field"]) == ("NOT_DRAFT", ["input", field]), document
        assert error["message"].startswith("KRA set v1 is PUBLISHED and can no longer change")
    again = await publish(gql, token, v1, "2026-06-01")
    assert [e["code"] for e in again["userErrors"]] == ["NOT_DRAFT"]
    assert await counts(database, org.id) == before
    assert (await _sets(gql, token, role_id, "2026-01-01"))["kraSet"] == node


@pytest.mark.parametrize("start", ["1899-12-31", "3000-01-01"])
async def test_effective_from_must_be_a_sensible_date(gql: Gql, make_org: Any, start: str) -> None:
    org = await make_org()
    token = org.token("admin")
    await import_kpis(gql, token, AGENT_KPIS)
    _, set_id = await role_with_draft(gql, token)
    await fill(gql, token, set_id)
    result = await publish(gql, token, set_id, start)
    assert [(e["code"], e["field"]) for e in result["userErrors"]] == [
        ("INVALID", ["input", "effectiveFrom"])
    ]
