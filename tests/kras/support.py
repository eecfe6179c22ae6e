"""GraphQL documents, builders and row counts shared by the KRA set and goal tests."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import text

from kra_api.db.session import Database
from tests import helpers
from tests.catalog.kpi_support import IMPORT
from tests.conftest import Gql

ERRORS = "userErrors { code field message }"
ITEM_FIELDS = "id scope weight gate { minimum maximum } kpi { code }"
KRA_FIELDS = f"id title description objective weight items {{ {ITEM_FIELDS} }}"
SET_FIELDS = f"""id version status effectiveFrom effectiveTo reason publishedAt
  publishedBy {{ kind label }} role {{ code }} kras {{ {KRA_FIELDS} }}"""
DRAFT = f"""mutation($input: KraSetDraftInput!) {{
  kraSetDraft(input: $input) {{ kraSet {{ {SET_FIELDS} }} {ERRORS} }} }}"""
PUBLISH = f"""mutation($input: KraSetPublishInput!) {{
  kraSetPublish(input: $input) {{ kraSet {{ {SET_FIELDS} }} {ERRORS} }} }}"""
KRA_CREATE = f"""mutation($input: KraCreateInput!) {{
  kraCreate(input: $input) {{ kra {{ {KRA_FIELDS} }} {ERRORS} }} }}"""
KRA_UPDATE = f"""mutation($input: KraUpdateInput!) {{
  kraUpdate(input: $input) {{ kra {{ {KRA_FIELDS} }} {ERRORS} }} }}"""
KRA_REMOVE = f"""mutation($input: KraRemoveInput!) {{
  kraRemove(input: $input) {{ kraSet {{ {SET_FIELDS} }} removedKraId {ERRORS} }} }}"""
ITEM_ADD = f"""mutation($input: KraItemAddInput!) {{
  kraItemAdd(input: $input) {{ kraItem {{ {ITEM_FIELDS} }} {ERRORS} }} }}"""
ITEM_UPDATE = f"""mutation($input: KraItemUpdateInput!) {{
  kraItemUpdate(input: $input) {{ kraItem {{ {ITEM_FIELDS} }} {ERRORS} }} }}"""
ITEM_REMOVE = f"""mutation($input: KraItemRemoveInput!) {{
  kraItemRemove(input: $input) {{ kra {{ {KRA_FIELDS} }} removedKraItemId {ERRORS} }} }}"""
ROLE_SETS = f"""query($id: ID!, $at: Date) {{ node(id: $id) {{ ... on Role {{
  kraSet(at: $at) {{ {SET_FIELDS} }} kraSets {{ id version status effectiveFrom effectiveTo }}
}} }} }}"""
AGENT_KPIS = ["CSAT", "FCR", "AHT", "ADH", "QA", "COMPLIANCE"]
# The agent set of scoring.md §11: (title, weight, [(kpi, weight)]), plus the compliance gate.
AGENT_SET: list[tuple[str, str, list[tuple[str, str]]]] = [
    ("Customer experience", "40", [("CSAT", "60"), ("FCR", "40")]),
    ("Efficiency", "30", [("AHT", "70"), ("ADH", "30")]),
    ("Quality", "30", [("QA", "100")]),
]


async def payload(gql: Gql, token: str, document: str, data: dict[str, Any]) -> dict[str, Any]:
    """Run a mutation; return its payload (the only top-level field)."""
    result = await gql.data(document, {"input": data}, token)
    (value,) = result.values()
    assert isinstance(value, dict)
    return value


async def import_kpis(gql: Gql, token: str, codes: list[str]) -> dict[str, str]:
    """Copy catalogue KPIs; return code → id."""
    result = await payload(gql, token, IMPORT, {"codes": codes})
    assert result["userErrors"] == [], result
    return {k["code"]: k["id"] for k in result["kpis"]}


async def role_with_draft(gql: Gql, token: str, code: str = "AGENT") -> tuple[str, str]:
    """Create a role; return (role id, id of its draft v1)."""
    role_id = await helpers.role(gql, token, code, code.title())
    data = await gql.data(ROLE_SETS, {"id": role_id}, token)
    (draft,) = data["node"]["kraSets"]
    return role_id, draft["id"]


async def kra(gql: Gql, token: str, set_id: str, title: str, weight: str) -> str:
    """Add a KRA to a draft; return its id."""
    result = await payload(
        gql, token, KRA_CREATE, {"kraSetId": set_id, "title": title, "weight": weight}
    )
    assert result["userErrors"] == [], result
    kra_id: str = result["kra"]["id"]
    return kra_id


async def item(gql: Gql, token: str, kra_id: str, code: str, **fields: Any) -> dict[str, Any]:
    """Run kraItemAdd for ``code`` under ``kra_id``; return the payload."""
    return await payload(gql, token, ITEM_ADD, {"kraId": kra_id, "kpiCode": code, **fields})


async def fill(
    gql: Gql,
    token: str,
    set_id: str,
    layout: list[tuple[str, str, list[tuple[str, str]]]] = AGENT_SET,
    gate: bool = True,
) -> dict[str, str]:
    """Add ``layout``'s KRAs and weighted items (and the COMPLIANCE gate); return title → id."""
    ids = {}
    for title, weight, items in layout:
        ids[title] = await kra(gql, token, set_id, title, weight)
        for code, item_weight in items:
            added = await item(gql, token, ids[title], code, weight=item_weight)
            assert added["userErrors"] == [], added
    if gate:
        last = ids[layout[-1][0]]
        added = await item(gql, token, last, "COMPLIANCE", gate={"maximum": "0"})
        assert added["userErrors"] == [], added
    return ids


async def publish(
    gql: Gql, token: str, set_id: str, start: str, reason: str | None = None
) -> dict[str, Any]:
    """Run kraSetPublish; return the payload."""
    data = {"kraSetId": set_id, "effectiveFrom": start, "reason": reason}
    return await payload(gql, token, PUBLISH, data)


async def draft(gql: Gql, token: str, role_id: str) -> dict[str, Any]:
    """Run kraSetDraft; return the payload."""
    return await payload(gql, token, DRAFT, {"roleId": role_id})


KRA_TABLES = ("kra_set", "kra", "kra_item", "goal", "audit_log", "role")


async def counts(database: Database, org_id: uuid.UUID) -> dict[str, int]:
    """Rows of the KRA and goal tables (and the audit log) the tenant sees (RLS scopes them)."""
    async with database.session(org_id) as session:
        return {
            table: int((await session.execute(text(f"SELECT count(*) FROM {table}"))).scalar_one())
            for table in KRA_TABLES
        }


async def actions(database: Database, org_id: uuid.UUID) -> list[str]:
    """The audit log's actions, oldest first."""
    async with database.session(org_id) as session:
        rows = await session.execute(text("SELECT action FROM audit_log ORDER BY at, id"))
        return [r[0] for r in rows]
