"""Small builders shared by tests: set up people and structure through the public API."""

from __future__ import annotations

from typing import Any

from tests.conftest import Gql

CREATE_UNIT = """
mutation($input: OrgUnitCreateInput!) {
  orgUnitCreate(input: $input) { orgUnit { id name } userErrors { code field message } }
}"""
UPSERT = """
mutation($input: EmployeesUpsertInput!) {
  employeesUpsert(input: $input) {
    inserted updated unchanged employees { id externalId name }
    userErrors { code field message }
  }
}"""
ASSIGN = """
mutation($input: EmployeeAssignInput!) {
  employeeAssign(input: $input) {
    assignment { id effectiveFrom effectiveTo } userErrors { code field message }
  }
}"""
ROLE = """
mutation($input: RoleCreateInput!) {
  roleCreate(input: $input) { role { id code } userErrors { code field message } }
}"""
SETTINGS = """
mutation($input: OrganizationSettingsUpdateInput!) {
  organizationSettingsUpdate(input: $input) { userErrors { code field message } }
}"""
LEAD = """
mutation($input: OrgUnitLeaderAssignInput!) {
  orgUnitLeaderAssign(input: $input) { orgUnit { id } userErrors { code field message } }
}"""


async def unit(
    gql: Gql, token: str, name: str, kind: str = "TEAM", parent: str | None = None
) -> str:
    """Create an org unit; return its id."""
    data = await gql.data(
        CREATE_UNIT, {"input": {"name": name, "kind": kind, "parentId": parent}}, token
    )
    payload = data["orgUnitCreate"]
    assert payload["userErrors"] == [], payload
    unit_id: str = payload["orgUnit"]["id"]
    return unit_id


async def role(gql: Gql, token: str, code: str = "AGENT", name: str = "Agent") -> str:
    """Create a role; return its id."""
    data = await gql.data(ROLE, {"input": {"code": code, "name": name}}, token)
    assert data["roleCreate"]["userErrors"] == []
    role_id: str = data["roleCreate"]["role"]["id"]
    return role_id


async def employees(gql: Gql, token: str, rows: list[dict[str, Any]]) -> dict[str, str]:
    """Upsert employees; return external id → id."""
    data = await gql.data(UPSERT, {"input": {"employees": rows}}, token)
    assert data["employeesUpsert"]["userErrors"] == [], data
    return {e["externalId"]: e["id"] for e in data["employeesUpsert"]["employees"]}


async def assign(
    gql: Gql,
    token: str,
    employee: str,
    role_id: str,
    unit_id: str,
    start: str,
    end: str | None = None,
) -> dict[str, Any]:
    """Assign an employee; return the payload."""
    variables = {
        "input": {
            "employeeId": employee,
            "roleId": role_id,
            "orgUnitId": unit_id,
            "effectiveFrom": start,
            "effectiveTo": end,
        }
    }
    payload: dict[str, Any] = (await gql.data(ASSIGN, variables, token))["employeeAssign"]
    return payload


async def lead(
    gql: Gql, token: str, unit_id: str, employee: str | None, start: str
) -> dict[str, Any]:
    """Make ``employee`` lead ``unit_id`` from ``start``; return the payload."""
    variables = {"input": {"orgUnitId": unit_id, "employeeId": employee, "effectiveFrom": start}}
    payload: dict[str, Any] = (await gql.data(LEAD, variables, token))["orgUnitLeaderAssign"]
    return payload


async def settings(gql: Gql, token: str, **changes: Any) -> None:
    """Change organization settings (``organizationSettingsUpdate``); must be accepted."""
    data = await gql.data(SETTINGS, {"input": changes}, token)
    result = data["organizationSettingsUpdate"]
    assert result["userErrors"] == [], result
