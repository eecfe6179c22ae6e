"""Editing a draft: kraCreate/Update/Remove and kraItemAdd/Update/Remove, with audit entries."""

from __future__ import annotations

from typing import Any

import pytest

from kra_api.db.session import Database
from tests.conftest import Gql
from tests.kras.support import (
    AGENT_KPIS,
    ITEM_REMOVE,
    ITEM_UPDATE,
    KRA_CREATE,
    KRA_REMOVE,
    KRA_UPDATE,
    actions,
    counts,
    import_kpis,
    item,
    kra,
    payload,
    role_with_draft,
)


async def _draft(gql: Gql, make_org: Any) -> tuple[Any, str, str]:
    org = await make_org()
    token = org.token("admin")
    await import_kpis(gql, token, AGENT_KPIS)
    _, set_id = await role_with_draft(gql, token)
    return org, token, set_id


@pytest.mark.parametrize(
    ("fields", "code", "path"),
    [
        ({"title": "  "}, "INVALID", "title"),
        ({"title": "x" * 201}, "INVALID", "title"),
        ({"weight": "0"}, "INVALID", "weight"),
        ({"description": "d" * 2001}, "INVALID", "description"),
        ({"objective": "o" * 2001}, "INVALID", "objective"),
        ({"title": "Quality"}, "DUPLICATE", "title"),
        ({"kraSetId": "S3JhU2V0OjE="}, "NOT_FOUND", "kraSetId"),
    ],
)
async def test_kra_create_validation(
    gql: Gql, make_org: Any, database: Database, fields: dict[str, Any], code: str, path: str
) -> None:
    org, token, set_id = await _draft(gql, make_org)
    await kra(gql, token, set_id, "Quality", "30")
    before = await counts(database, org.id)
    data = {"kraSetId": set_id, "title": "Efficiency", "weight": "30", **fields}
    result = await payload(gql, token, KRA_CREATE, data)
    assert result["kra"] is None
    assert [(e["code"], e["field"]) for e in result["userErrors"]] == [(code, ["input", path])]
    assert await counts(database, org.id) == before


async def test_kra_create_and_update(gql: Gql, make_org: Any, database: Database) -> None:
    org, token, set_id = await _draft(gql, make_org)
    created = await payload(
        gql,
        token,
        KRA_CREATE,
        {
            "kraSetId": set_id,
            "title": " Customer experience ",
            "description": "How customers feel",
            "objective": "   ",
            "weight": "40.50",
        },
    )
    assert created["userErrors"] == []
    kra_id = created["kra"]["id"]
    assert {k: created["kra"][k] for k in ("title", "description", "objective", "weight")} == {
        "title": "Customer experience",
        "description": "How customers feel",
        "objective": None,
        "weight": "40.50",
    }
    await kra(gql, token, set_id, "Quality", "30")
    clash = await payload(gql, token, KRA_UPDATE, {"kraId": kra_id, "title": "Quality"})
    assert [e["code"] for e in clash["userErrors"]] == ["DUPLICATE"]
    updated = await payload(
        gql,
        token,
        KRA_UPDATE,
        {
            "kraId": kra_id,
            "title": "CX",
            "description": None,
            "objective": "Delight",
            "weight": "40",
        },
    )
    assert updated["userErrors"] == []
    kra_row = updated["kra"]
    assert (kra_row["title"], kra_row["description"], kra_row["objective"], kra_row["weight"]) == (
        "CX",
        None,
        "Delight",
        "40",
    )
    log = await actions(database, org.id)
    unchanged = await payload(gql, token, KRA_UPDATE, {"kraId": kra_id, "title": "CX"})
    assert unchanged["userErrors"] == []
    assert await actions(database, org.id) == log  # nothing changed: nothing audited
    assert log.count("kra.update") == 1


async def test_kra_remove_takes_its_items(gql: Gql, make_org: Any, database: Database) -> None:
    org, token, set_id = await _draft(gql, make_org)
    kra_id = await kra(gql, token, set_id, "Quality", "30")
    keep = await kra(gql, token, set_id, "Efficiency", "70")
    assert (await item(gql, token, kra_id, "QA", weight="100"))["userErrors"] == []
    assert (await item(gql, token, kra_id, "COMPLIANCE", gate={"maximum": "0"}))["userErrors"] == []
    removed = await payload(gql, token, KRA_REMOVE, {"kraId": kra_id})
    assert removed["userErrors"] == []
    assert removed["removedKraId"] == kra_id
    assert [k["id"] for k in removed["kraSet"]["kras"]] == [keep]
    rows = await counts(database, org.id)
    assert (rows["kra"], rows["kra_item"]) == (1, 0)
    assert (await actions(database, org.id))[-1] == "kra.remove"
    again = await payload(gql, token, KRA_REMOVE, {"kraId": kra_id})
    assert [(e["code"], e["field"]) for e in again["userErrors"]] == [
        ("NOT_FOUND", ["input", "kraId"])
    ]
    # The KPI is free again: it can be placed anew.
    assert (await item(gql, token, keep, "COMPLIANCE", gate={"maximum": "0"}))["userErrors"] == []


async def test_item_update_switches_between_weight_and_gate(
    gql: Gql, make_org: Any, database: Database
) -> None:
    org, token, set_id = await _draft(gql, make_org)
    kra_id = await kra(gql, token, set_id, "Quality", "100")
    weighted = (await item(gql, token, kra_id, "COMPLIANCE", weight="100"))["kraItem"]
    assert weighted["scope"] == "SELF"
    gate = (await item(gql, token, kra_id, "QA", gate={"minimum": "80"}, scope="LED_UNITS"))[
        "kraItem"
    ]
    assert (gate["scope"], gate["weight"], gate["gate"]) == (
        "LED_UNITS",
        None,
        {"minimum": "80", "maximum": None},
    )
    to_gate = await payload(
        gql, token, ITEM_UPDATE, {"kraItemId": weighted["id"], "gate": {"maximum": "0"}}
    )
    assert to_gate["userErrors"] == []
    assert (to_gate["kraItem"]["weight"], to_gate["kraItem"]["gate"]) == (
        None,
        {"minimum": None, "maximum": "0"},
    )
    to_weight = await payload(
        gql, token, ITEM_UPDATE, {"kraItemId": gate["id"], "weight": "60", "scope": "SELF"}
    )
    assert to_weight["userErrors"] == []
    assert (to_weight["kraItem"]["weight"], to_weight["kraItem"]["gate"]) == ("60", None)
    assert to_weight["kraItem"]["scope"] == "SELF"
    both = await payload(
        gql, token, ITEM_UPDATE, {"kraItemId": gate["id"], "weight": "1", "gate": {"maximum": "1"}}
    )
    assert [(e["code"], e["field"]) for e in both["userErrors"]] == [("INVALID", ["input", "gate"])]
    # With COMPLIANCE weighted in another KRA, the COMPLIANCE gate cannot become weighted too.
    other = await kra(gql, token, set_id, "Other", "1")
    assert (await item(gql, token, other, "COMPLIANCE", weight="100"))["userErrors"] == []
    before = await counts(database, org.id)
    clash = await payload(gql, token, ITEM_UPDATE, {"kraItemId": weighted["id"], "weight": "5"})
    assert [(e["code"], e["field"]) for e in clash["userErrors"]] == [
        ("DUPLICATE_KPI", ["input", "weight"])
    ]
    assert await counts(database, org.id) == before
    assert (await actions(database, org.id)).count("kraItem.update") == 2


async def test_item_remove(gql: Gql, make_org: Any, database: Database) -> None:
    org, token, set_id = await _draft(gql, make_org)
    kra_id = await kra(gql, token, set_id, "Quality", "100")
    first = (await item(gql, token, kra_id, "QA", weight="60"))["kraItem"]["id"]
    second = (await item(gql, token, kra_id, "CSAT", weight="40"))["kraItem"]["id"]
    removed = await payload(gql, token, ITEM_REMOVE, {"kraItemId": first})
    assert removed["userErrors"] == []
    assert removed["removedKraItemId"] == first
    assert [i["id"] for i in removed["kra"]["items"]] == [second]
    assert (await counts(database, org.id))["kra_item"] == 1
    assert (await actions(database, org.id))[-1] == "kraItem.remove"
    gone = await payload(gql, token, ITEM_REMOVE, {"kraItemId": first})
    assert [e["code"] for e in gone["userErrors"]] == ["NOT_FOUND"]
