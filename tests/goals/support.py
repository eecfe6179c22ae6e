"""GraphQL documents and builders shared by the goal tests."""

from __future__ import annotations

from typing import Any

from tests.conftest import Gql
from tests.kras.support import payload

ANCHOR_FIELDS = "threshold target stretch lowThreshold lowTarget highTarget highThreshold"
GOAL_FIELDS = f"""id scopeKind effectiveFrom effectiveTo mode basis {ANCHOR_FIELDS}
  status version reason decidedAt kpi {{ code }}
  author {{ kind label employee {{ externalId }} }}
  approver {{ kind label employee {{ externalId }} }}
  scope {{ __typename ... on Role {{ id code }} ... on OrgUnit {{ id name }}
           ... on Employee {{ id externalId }} }}"""
GOAL_SET = f"""mutation($input: GoalSetInput!) {{
  goalSet(input: $input) {{ goal {{ {GOAL_FIELDS} }} userErrors {{ code field message }} }} }}"""
GOALS = """query($first: Int, $after: String, $filter: GoalFilter) { organization {
  goals(first: $first, after: $after, filter: $filter) {
    edges { cursor node { id version effectiveFrom scopeKind kpi { code } } }
    pageInfo { hasNextPage endCursor } } } }"""
HISTORY = """query($id: ID!) { node(id: $id) { ... on Goal {
  version history { id version status effectiveFrom effectiveTo } supersedes { id } } } }"""


def goal_input(
    kpi_id: str,
    scope_id: str,
    anchors: dict[str, str],
    scope_kind: str = "ROLE",
    start: str = "2026-01-01",
    end: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """A goalSet input."""
    return {
        "kpiId": kpi_id,
        "scopeKind": scope_kind,
        "scopeId": scope_id,
        "effectiveFrom": start,
        "effectiveTo": end,
        "anchors": anchors,
        **extra,
    }


async def set_goal(gql: Gql, token: str, data: dict[str, Any]) -> dict[str, Any]:
    """Run goalSet; return the payload."""
    return await payload(gql, token, GOAL_SET, data)
