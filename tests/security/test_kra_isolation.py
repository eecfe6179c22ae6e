"""Tenant isolation for KRA sets, KRAs, KRA items and goals (conventions 16-18): another
tenant's ids read and write exactly like unknown ids, and nothing is written anywhere."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import text

from kra_api.db.session import Database
from tests import helpers
from tests.conftest import Gql
from tests.goals.support import GOAL_SET, GOALS, HISTORY, goal_input
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
    counts,
    draft,
    fill,
    import_kpis,
    publish,
    role_with_draft,
)
from tests.security.test_tenant_isolation import ids_in, random_id_like

ANCHORS = {"threshold": "75", "target": "85"}
READ_ALL = """{ organization {
  roles(first: 50) { edges { node { id kraSet(at: "2026-02-01") { id }
    kraSets { id role { id }
      kras { id kraSet { id } items { id kra { id } kpi { id } } } }
  } } }
  goals(first: 50) { edges { node { id kpi { id }
    scope { ... on Role { id } ... on OrgUnit { id } ... on Employee { id } }
    history { id } supersedes { id } } } }
} }"""


async def _definitions(gql: Gql, token: str) -> dict[str, str]:
    """The same KRA sets and goals in any organization; returns name → global id."""
    kpis = await import_kpis(gql, token, AGENT_KPIS)
    role_id, v1 = await role_with_draft(gql, token)
    kras = await fill(gql, token, v1)
    assert (await publish(gql, token, v1, "2026-01-01"))["userErrors"] == []
    v2 = (await draft(gql, token, role_id))["kraSet"]
    team = await helpers.unit(gql, token, "Team", "TEAM")
    people = await helpers.employees(gql, token, [{"externalId": "E1", "name": "Ann"}])
    goals = {}
    for kind, scope in (("ROLE", role_id), ("ORG_UNIT", team), ("EMPLOYEE", people["E1"])):
        result = await gql.data(
            GOAL_SET, {"input": goal_input(kpis["CSAT"], scope, ANCHORS, scope_kind=kind)}, token
        )
        goals[f"goal-{kind}"] = result["goalSet"]["goal"]["id"]
    return {
        "role": role_id,
        "v1": v1,
        "v2": v2["id"],
        "kra": kras["Quality"],
        "draft-kra": v2["kras"][0]["id"],
        "draft-item": v2["kras"][0]["items"][0]["id"],
        "team": team,
        "E1": people["E1"],
        **{f"kpi-{k}": v for k, v in kpis.items()},
        **goals,
    }


@pytest.fixture
async def two_orgs(gql: Gql, make_org: Any) -> tuple[Any, dict[str, str], Any, dict[str, str]]:
    org_a, org_b = await make_org("Org A"), await make_org("Org B")
    ids_a = await _definitions(gql, org_a.token("admin"))
    ids_b = await _definitions(gql, org_b.token("admin"))
    return org_a, ids_a, org_b, ids_b


async def test_nodes_of_another_tenant_are_null(gql: Gql, two_orgs: Any) -> None:
    org_a, ids_a, _, ids_b = two_orgs
    token = org_a.token("admin")
    query = "query($id: ID!) { node(id: $id) { id } }"
    for b_id in ids_b.values():
        foreign = await gql(query, {"id": b_id}, token)
        unknown = await gql(query, {"id": random_id_like(b_id)}, token)
        assert foreign == unknown == {"data": {"node": None}}
    many = await gql.data(
        "query($ids: [ID!]!) { nodes(ids: $ids) { id } }",
        {"ids": [ids_b["v1"], ids_b["goal-ROLE"], ids_a["v1"], ids_a["goal-ROLE"]]},
        token,
    )
    assert many["nodes"] == [None, None, {"id": ids_a["v1"]}, {"id": ids_a["goal-ROLE"]}]
    history = await gql(HISTORY, {"id": ids_b["goal-ROLE"]}, token)
    assert history == {"data": {"node": None}}


async def test_connections_and_nested_fields_show_only_own_rows(gql: Gql, two_orgs: Any) -> None:
    org_a, ids_a, _, ids_b = two_orgs
    token = org_a.token("admin")
    body = await gql(READ_ALL, token=token)
    assert "errors" not in body
    text = json.dumps(body)
    assert not any(b_id in text for b_id in ids_b.values())
    seen = ids_in(body["data"])
    assert {ids_a["v1"], ids_a["v2"], ids_a["goal-EMPLOYEE"], ids_a["kpi-CSAT"]} <= seen
    # Filters naming B's objects match nothing, exactly like unknown ids.
    for f in (
        {"kpiId": ids_b["kpi-CSAT"]},
        {"scopeId": ids_b["role"]},
        {"scopeId": ids_b["team"]},
        {"scopeId": ids_b["E1"]},
    ):
        data = await gql.data(GOALS, {"first": 10, "filter": f}, token)
        assert data["organization"]["goals"]["edges"] == []


def _writes(a: dict[str, str], b: dict[str, str]) -> list[tuple[str, str, str, dict[str, Any]]]:
    """(mutation, document, field pointing at B's id, input)."""
    csat = a["kpi-CSAT"]
    return [
        ("kraSetDraft", DRAFT, "roleId", {"roleId": b["role"]}),
        ("kraCreate", KRA_CREATE, "kraSetId", {"kraSetId": b["v2"], "title": "X", "weight": "1"}),
        ("kraUpdate", KRA_UPDATE, "kraId", {"kraId": b["draft-kra"], "title": "Hacked"}),
        ("kraRemove", KRA_REMOVE, "kraId", {"kraId": b["draft-kra"]}),
        (
            "kraItemAdd",
            ITEM_ADD,
            "kraId",
            {"kraId": b["draft-kra"], "kpiCode": "CSAT", "weight": "1"},
        ),
        ("kraItemUpdate", ITEM_UPDATE, "kraItemId", {"kraItemId": b["draft-item"], "weight": "1"}),
        ("kraItemRemove", ITEM_REMOVE, "kraItemId", {"kraItemId": b["draft-item"]}),
        (
            "kraSetPublish",
            PUBLISH,
            "kraSetId",
            {"kraSetId": b["v2"], "effectiveFrom": "2027-01-01"},
        ),
        (
            "goalSet",
            GOAL_SET,
            "kpiId",
            goal_input(b["kpi-CSAT"], a["role"], ANCHORS, start="2030-01-01"),
        ),
        ("goalSet", GOAL_SET, "scopeId", goal_input(csat, b["role"], ANCHORS)),
        (
            "goalSet",
            GOAL_SET,
            "scopeId",
            goal_input(csat, b["team"], ANCHORS, scope_kind="ORG_UNIT"),
        ),
        ("goalSet", GOAL_SET, "scopeId", goal_input(csat, b["E1"], ANCHORS, scope_kind="EMPLOYEE")),
    ]


async def test_writes_with_other_tenant_ids_are_not_found(
    gql: Gql, two_orgs: Any, database: Database
) -> None:
    org_a, ids_a, org_b, ids_b = two_orgs
    token = org_a.token("admin")
    before = (await counts(database, org_a.id), await counts(database, org_b.id))
    for name, document, field, data in _writes(ids_a, ids_b):
        foreign_id = data[field]
        unknown = {**data, field: random_id_like(foreign_id)}
        got = await gql(document, {"input": data}, token)
        expected = await gql(document, {"input": unknown}, token)
        assert got == expected, name
        assert [(e["code"], e["field"]) for e in got["data"][name]["userErrors"]] == [
            ("NOT_FOUND", ["input", field])
        ], (name, field)
    # A KPI code only B has is unknown in A too.
    only_b = await import_kpis(gql, org_b.token("admin"), ["NPS"])
    before = (before[0], await counts(database, org_b.id))
    kra_of_a = {"kraId": ids_a["draft-kra"], "kpiCode": "NPS", "weight": "1"}
    result = await gql.data(ITEM_ADD, {"input": kra_of_a}, token)
    assert [e["code"] for e in result["kraItemAdd"]["userErrors"]] == ["NOT_FOUND"]
    assert (await counts(database, org_a.id), await counts(database, org_b.id)) == before
    assert only_b["NPS"]


async def test_rls_alone_hides_other_tenants_rows(two_orgs: Any, database: Database) -> None:
    org_a, _, org_b, _ = two_orgs
    tables = ("kra_set", "kra", "kra_item", "goal")
    async with database.engine.connect() as owner:  # the superuser: RLS does not apply
        both = {
            t: (
                await owner.execute(
                    text(f"SELECT count(*) FROM {t} WHERE organization_id IN (:a, :b)"),
                    {"a": org_a.id, "b": org_b.id},
                )
            ).scalar_one()
            for t in tables
        }
    own = await counts(database, org_a.id)
    assert {t: 2 * own[t] for t in tables} == both
    assert own["goal"] == 3
    async with database.session(None) as session:
        for table in tables:
            assert (await session.execute(text(f"SELECT count(*) FROM {table}"))).scalar_one() == 0
