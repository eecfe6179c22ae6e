"""Who may define KRAs and goals: admin, hr and definitions:write keys; everyone reads."""

from __future__ import annotations

from typing import Any

from kra_api.db.session import Database
from tests.conftest import Gql
from tests.goals.support import GOAL_SET, GOALS, goal_input
from tests.kras.support import (
    AGENT_KPIS,
    DRAFT,
    ITEM_ADD,
    ITEM_REMOVE,
    ITEM_UPDATE,
    KRA_CREATE,
    KRA_REMOVE,
    KRA_UPDATE,
    PUBLISH,
    ROLE_SETS,
    counts,
    fill,
    import_kpis,
    item,
    kra,
    role_with_draft,
)


async def _setup(gql: Gql, org: Any) -> dict[str, str]:
    token = org.token("admin")
    kpis = await import_kpis(gql, token, AGENT_KPIS)
    role_id, set_id = await role_with_draft(gql, token)
    kra_id = await kra(gql, token, set_id, "Quality", "100")
    item_id = (await item(gql, token, kra_id, "QA", weight="100"))["kraItem"]["id"]
    return {"role": role_id, "set": set_id, "kra": kra_id, "item": item_id, **kpis}


def _writes(ids: dict[str, str]) -> dict[str, tuple[str, dict[str, Any]]]:
    """Every KRA and goal mutation with a valid input, by mutation name."""
    return {
        "kraSetDraft": (DRAFT, {"roleId": ids["role"]}),
        "kraCreate": (KRA_CREATE, {"kraSetId": ids["set"], "title": "X", "weight": "1"}),
        "kraUpdate": (KRA_UPDATE, {"kraId": ids["kra"], "title": "Y"}),
        "kraRemove": (KRA_REMOVE, {"kraId": ids["kra"]}),
        "kraItemAdd": (ITEM_ADD, {"kraId": ids["kra"], "kpiCode": "AHT", "weight": "1"}),
        "kraItemUpdate": (ITEM_UPDATE, {"kraItemId": ids["item"], "weight": "50"}),
        "kraItemRemove": (ITEM_REMOVE, {"kraItemId": ids["item"]}),
        "kraSetPublish": (PUBLISH, {"kraSetId": ids["set"], "effectiveFrom": "2026-01-01"}),
        "goalSet": (
            GOAL_SET,
            goal_input(ids["CSAT"], ids["role"], {"threshold": "75", "target": "85"}),
        ),
    }


async def test_employees_managers_and_other_scopes_are_forbidden(
    gql: Gql, make_org: Any, database: Database
) -> None:
    org = await make_org()
    ids = await _setup(gql, org)
    callers = [
        org.token("employee"),
        org.token("manager"),
        org.token("manager", "employee"),
        await org.api_key(["people:write", "readings:write", "scorecards:read"]),
    ]
    before = await counts(database, org.id)
    for caller in callers:
        for document, data in _writes(ids).values():
            body = await gql(document, {"input": data}, caller)
            assert body["data"] is None, document
            assert [e["extensions"]["code"] for e in body["errors"]] == ["FORBIDDEN"], document
    assert await counts(database, org.id) == before
    # Reading stays open to every role and to scorecards:read keys.
    for reader in (org.token("employee"), callers[-1]):
        node = (await gql.data(ROLE_SETS, {"id": ids["role"]}, reader))["node"]
        assert [s["id"] for s in node["kraSets"]] == [ids["set"]]
        assert (await gql.data(GOALS, {"first": 5}, reader))["organization"]["goals"]["edges"] == []


async def test_a_definitions_write_key_defines_everything(gql: Gql, make_org: Any) -> None:
    org = await make_org()
    key = await org.api_key(["definitions:write"])
    ids = await _setup(gql, org)
    writes = _writes(ids)
    created = ""
    # In an order where each write finds what it needs (the draft exists until published).
    names = ["kraCreate", "kraUpdate", "kraItemUpdate", "kraItemAdd", "goalSet"]
    names += ["kraItemRemove", "kraRemove", "fill", "kraSetPublish", "kraSetDraft"]
    for name in names:
        if name == "fill":
            await fill(gql, key, ids["set"], [("Rest", "99", [("CSAT", "100")])], gate=False)
            assert (await item(gql, key, created, "FCR", weight="100"))["userErrors"] == []
            continue
        document, data = writes[name]
        body = await gql(document, {"input": data}, key)
        assert "errors" not in body, (name, body)
        assert body["data"][name]["userErrors"] == [], (name, body)
        if name == "kraCreate":
            created = body["data"][name]["kra"]["id"]
