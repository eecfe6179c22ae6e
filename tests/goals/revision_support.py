"""Documents and set-up shared by the revision tests: a team world with managers, an
EMPLOYEE-scope goal line and helpers to revise, approve and reject."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tests import helpers
from tests.conftest import Gql, Org
from tests.goals.support import GOAL_FIELDS, goal_input, set_goal
from tests.kras.support import import_kpis, payload

ERRORS = "userErrors { code field message }"
REVISION_FIELDS = f"""{GOAL_FIELDS} decisionReason effectiveTo supersedes {{ id version }}"""
REVISE = f"""mutation($input: GoalReviseInput!) {{
  goalRevise(input: $input) {{ proposal {{ {REVISION_FIELDS} }} {ERRORS} }} }}"""
APPROVE = f"""mutation($input: GoalRevisionDecisionInput!) {{
  goalRevisionApprove(input: $input) {{ goal {{ {REVISION_FIELDS} }} {ERRORS} }} }}"""
REJECT = f"""mutation($input: GoalRevisionDecisionInput!) {{
  goalRevisionReject(input: $input) {{ proposal {{ {REVISION_FIELDS} }} {ERRORS} }} }}"""
LINE = """query($id: ID!) { node(id: $id) { ... on Goal { history {
  id version status effectiveFrom effectiveTo reason decisionReason decidedAt
  author { label } approver { label } supersedes { id } } } } }"""
HIGHER = {"threshold": "75", "target": "85", "stretch": "95"}
REVISED = {"threshold": "78", "target": "88", "stretch": "98"}


@dataclass
class Team:
    """Site > Team A (E1, led by M1) and Team B (E3, led by M2); hr H1; a CSAT line for E1."""

    org: Org
    admin: str
    kpis: dict[str, str]
    role: str
    units: dict[str, str]
    people: dict[str, str]
    goal: dict[str, Any] = field(default_factory=dict)

    def token(self, role: str, sub: str | None = None) -> str:
        """A user token (``sub`` names the employee it stands for)."""
        return self.org.token(role, sub=sub)


async def team(gql: Gql, make_org: Any, start: str = "2026-01-01") -> Team:
    """The world above with v1 of E1's CSAT goal from ``start`` (set by the admin)."""
    org = await make_org()
    admin = org.token("admin", sub="ADMIN")
    kpis = await import_kpis(gql, admin, ["CSAT", "AHT"])
    role = await helpers.role(gql, admin, "AGENT", "Agent")
    site = await helpers.unit(gql, admin, "Site", "SITE")
    units = {"Site": site}
    units["Team A"] = await helpers.unit(gql, admin, "Team A", "TEAM", site)
    units["Team B"] = await helpers.unit(gql, admin, "Team B", "TEAM", site)
    rows = [{"externalId": x, "name": x} for x in ("E1", "E3", "M1", "M2", "H1", "ADMIN")]
    people = await helpers.employees(gql, admin, rows)
    for person, unit in (("E1", "Team A"), ("M1", "Team A"), ("E3", "Team B"), ("M2", "Team B")):
        assigned = await helpers.assign(gql, admin, people[person], role, units[unit], "2025-01-01")
        assert assigned["userErrors"] == [], assigned
    for leader, unit in (("M1", "Team A"), ("M2", "Team B")):
        led = await helpers.lead(gql, admin, units[unit], people[leader], "2025-01-01")
        assert led["userErrors"] == [], led
    world = Team(org, admin, kpis, role, units, people)
    data = goal_input(kpis["CSAT"], people["E1"], HIGHER, "EMPLOYEE", start=start)
    result = await set_goal(gql, admin, data)
    assert result["userErrors"] == [], result
    world.goal = result["goal"]
    return world


def revision(goal_id: str, version: int, start: str, **extra: Any) -> dict[str, Any]:
    """A goalRevise input with the REVISED anchors."""
    return {
        "goalId": goal_id,
        "expectedVersion": version,
        "effectiveFrom": start,
        "anchors": extra.pop("anchors", REVISED),
        "reason": extra.pop("reason", "new contract"),
        **extra,
    }


async def revise(gql: Gql, token: str, data: dict[str, Any]) -> dict[str, Any]:
    """Run goalRevise; return the payload."""
    return await payload(gql, token, REVISE, data)


async def approve(gql: Gql, token: str, proposal: str, reason: str | None = None) -> dict[str, Any]:
    """Run goalRevisionApprove; return the payload."""
    return await payload(gql, token, APPROVE, {"proposalId": proposal, "reason": reason})


async def reject(gql: Gql, token: str, proposal: str, reason: str | None = None) -> dict[str, Any]:
    """Run goalRevisionReject; return the payload."""
    return await payload(gql, token, REJECT, {"proposalId": proposal, "reason": reason})


async def proposed(gql: Gql, token: str, data: dict[str, Any]) -> str:
    """Run goalRevise, which must succeed; return the proposal's id."""
    result = await revise(gql, token, data)
    assert result["userErrors"] == [], result
    assert (result["proposal"]["status"], result["proposal"]["version"]) == ("PROPOSED", None)
    proposal_id: str = result["proposal"]["id"]
    return proposal_id


async def history(gql: Gql, token: str, goal_id: str) -> list[dict[str, Any]]:
    """Every row of the goal's line, newest first."""
    found: list[dict[str, Any]] = (await gql.data(LINE, {"id": goal_id}, token))["node"]["history"]
    return found


def codes(result: dict[str, Any]) -> list[str]:
    """The userErrors' codes."""
    return [e["code"] for e in result["userErrors"]]
