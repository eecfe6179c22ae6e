"""No N+1 on KRA sets and goals: nested fields batch, so statements do not grow with lists."""

from __future__ import annotations

from typing import Any

from kra_api.db.session import Database
from tests.api.test_query_count import measure
from tests.conftest import Gql
from tests.goals.support import goal_input, set_goal
from tests.kras.support import AGENT_KPIS, draft, fill, import_kpis, publish, role_with_draft

NESTED = """{ organization {
  roles(first: 50) { edges { node { code
    kraSet(at: "2026-02-01") {
      version kras { title items { weight gate { maximum } kpi { code } } } }
    kraSets { version status role { code } publishedBy { label employee { name } }
      kras { title kraSet { version } items { kra { title } kpi { code } } } }
  } } }
  goals(first: 100) { edges { node { version kpi { code }
    scope { ... on Role { code } ... on OrgUnit { name } ... on Employee { name } }
    author { label employee { name } } supersedes { id } history { version } } } }
} }"""


async def definitions(gql: Gql, make_org: Any, roles: int) -> str:
    """``roles`` roles, each with a published set, a draft copy and two goals."""
    org = await make_org()
    token = org.token("admin")
    kpis = await import_kpis(gql, token, AGENT_KPIS)
    for i in range(roles):
        role_id, set_id = await role_with_draft(gql, token, f"ROLE_{i}")
        await fill(gql, token, set_id)
        assert (await publish(gql, token, set_id, "2026-01-01"))["userErrors"] == []
        assert (await draft(gql, token, role_id))["userErrors"] == []
        for code, anchors in (
            ("CSAT", {"threshold": "75", "target": "85"}),
            ("AHT", {"threshold": "420", "target": "360"}),
        ):
            result = await set_goal(gql, token, goal_input(kpis[code], role_id, anchors))
            assert result["userErrors"] == []
    return token


async def test_statement_count_does_not_grow_with_roles(
    gql: Gql, make_org: Any, database: Database
) -> None:
    small, large = await definitions(gql, make_org, 2), await definitions(gql, make_org, 8)
    small_count, small_data = await measure(gql, database, NESTED, small)
    large_count, large_data = await measure(gql, database, NESTED, large)
    roles = large_data["organization"]["roles"]["edges"]
    assert len(roles) == 8
    assert all(len(r["node"]["kraSets"]) == 2 for r in roles)
    assert all(len(r["node"]["kraSet"]["kras"]) == 3 for r in roles)
    assert len(large_data["organization"]["goals"]["edges"]) == 16
    assert len(small_data["organization"]["goals"]["edges"]) == 4
    assert small_count == large_count, (small_count, large_count)
