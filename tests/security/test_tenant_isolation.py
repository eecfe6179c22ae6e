"""Tenant isolation (conventions 16-19): another tenant's ids behave like unknown ids, and
row-level security blocks even a query that forgets the organization filter."""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

import pytest
from sqlalchemy import event, text
from sqlalchemy.exc import DBAPIError

from kra_api.db.session import Database
from kra_api.graphql.core.ids import parse_global_id, to_global_id
from tests import helpers
from tests.conftest import Gql
from tests.db.rows import counts

READ_ALL = """{
  organization { id name
    employees(first: 100) { edges { node { id externalId name
      manager { id } role { id } orgUnit { id parent { id } leader { id } children { id } }
      reviewer { id } assignments { id role { id } orgUnit { id } } identities { externalId }
    } } }
    orgUnits(first: 100) { edges { node { id name parent { id } children { id } leader { id } } } }
    roles(first: 100) { edges { node { id code } } }
  }
}"""


async def look_alike(gql: Gql, token: str) -> dict[str, str]:
    """The same structure and people in any organization; returns name → global id."""
    site = await helpers.unit(gql, token, "Site", "SITE")
    team = await helpers.unit(gql, token, "Team 1", "TEAM", site)
    agent = await helpers.role(gql, token, "AGENT", "Agent")
    people = await helpers.employees(
        gql,
        token,
        [
            {
                "externalId": "E1",
                "name": "Ann Lee",
                "identities": [{"source": "wfm", "externalId": "w1"}],
            },
            {"externalId": "E2", "name": "Ben Roe", "managerExternalId": "E1"},
        ],
    )
    ids = {"site": site, "team": team, "agent": agent, **people}
    for key in ("E1", "E2"):
        assignment = await helpers.assign(gql, token, people[key], agent, team, "2026-01-01")
        assert assignment["userErrors"] == []
        ids[f"assignment-{key}"] = assignment["assignment"]["id"]
    assert (await helpers.lead(gql, token, team, people["E1"], "2026-01-01"))["userErrors"] == []
    return ids


def ids_in(value: Any) -> set[str]:
    """Every ``id`` anywhere in a JSON response."""
    if isinstance(value, dict):
        found = {value["id"]} if isinstance(value.get("id"), str) else set()
        return found.union(*(ids_in(v) for v in value.values()))
    if isinstance(value, list):
        return set().union(*(ids_in(v) for v in value))
    return set()


def random_id_like(global_id: str) -> str:
    """An id of the same type that matches no row."""
    parsed = parse_global_id(global_id)
    assert parsed is not None
    return to_global_id(parsed[0], uuid.uuid4())


@pytest.fixture
async def two_orgs(gql: Gql, make_org: Any) -> tuple[Any, dict[str, str], Any, dict[str, str]]:
    org_a, org_b = await make_org("Org A"), await make_org("Org B")
    ids_a = await look_alike(gql, org_a.token("admin"))
    ids_b = await look_alike(gql, org_b.token("admin"))
    ids_b["org"] = to_global_id("Organization", org_b.id)
    return org_a, ids_a, org_b, ids_b


async def test_other_tenant_ids_read_like_unknown_ids(gql: Gql, two_orgs: Any) -> None:
    org_a, ids_a, _, ids_b = two_orgs
    token = org_a.token("admin")
    query = "query($id: ID!) { node(id: $id) { id ... on Employee { name } } }"
    for b_id in ids_b.values():
        foreign = await gql(query, {"id": b_id}, token)
        unknown = await gql(query, {"id": random_id_like(b_id)}, token)
        assert foreign == unknown == {"data": {"node": None}}
    many = await gql.data(
        "query($ids: [ID!]!) { nodes(ids: $ids) { id } }",
        {"ids": [*ids_b.values(), ids_a["E1"]]},
        token,
    )
    assert many["nodes"] == [None] * len(ids_b) + [{"id": ids_a["E1"]}]


async def test_connections_and_nested_fields_show_only_own_rows(gql: Gql, two_orgs: Any) -> None:
    org_a, ids_a, _, ids_b = two_orgs
    token = org_a.token("admin")
    body = await gql(READ_ALL, token=token)
    assert "errors" not in body
    seen = ids_in(body["data"])
    assert seen == {*ids_a.values(), to_global_id("Organization", org_a.id)}
    text_body = json.dumps(body)
    assert not any(b_id in text_body for b_id in ids_b.values())
    employees = [e["node"] for e in body["data"]["organization"]["employees"]["edges"]]
    assert [e["externalId"] for e in employees] == ["E1", "E2"]
    # Filters naming B's objects match nothing, exactly like unknown ids.
    filtered = """query($f: EmployeeFilter) { organization {
        employees(first: 10, filter: $f) { edges { node { id } } } } }"""
    for f in ({"orgUnitId": ids_b["site"]}, {"roleId": ids_b["agent"]}):
        data = await gql.data(filtered, {"f": f}, token)
        assert data["organization"]["employees"]["edges"] == []
    data = await gql.data(filtered, {"f": {"search": "Ann"}}, token)
    assert data["organization"]["employees"]["edges"] == [{"node": {"id": ids_a["E1"]}}]


def _assign(a: dict[str, str], **over: str) -> dict[str, str]:
    base = {"employeeId": a["E1"], "roleId": a["agent"], "orgUnitId": a["team"]}
    return {**base, **over, "effectiveFrom": "2026-06-01"}


# (mutation, which of B's objects is named, where the error points, input given A's ids and it)
WRITES: list[tuple[str, str, str, Any]] = [
    ("employeeAssign", "E2", "employeeId", lambda a, t: _assign(a, employeeId=t)),
    ("employeeAssign", "agent", "roleId", lambda a, t: _assign(a, roleId=t)),
    ("employeeAssign", "team", "orgUnitId", lambda a, t: _assign(a, orgUnitId=t)),
    ("orgUnitUpdate", "team", "orgUnitId", lambda a, t: {"orgUnitId": t, "name": "Hacked"}),
    ("orgUnitUpdate", "site", "parentId", lambda a, t: {"orgUnitId": a["team"], "parentId": t}),
    (
        "orgUnitLeaderAssign",
        "team",
        "orgUnitId",
        lambda a, t: {"orgUnitId": t, "employeeId": a["E2"], "effectiveFrom": "2026-06-01"},
    ),
    (
        "orgUnitLeaderAssign",
        "E2",
        "employeeId",
        lambda a, t: {"orgUnitId": a["team"], "employeeId": t, "effectiveFrom": "2026-06-01"},
    ),
    (
        "orgUnitCreate",
        "site",
        "parentId",
        lambda a, t: {"name": "X", "kind": "TEAM", "parentId": t},
    ),
    ("orgUnitCreate", "E1", "leaderId", lambda a, t: {"name": "X", "kind": "TEAM", "leaderId": t}),
]


async def test_writes_with_other_tenant_ids_are_not_found(
    gql: Gql, two_orgs: Any, database: Database
) -> None:
    org_a, ids_a, org_b, ids_b = two_orgs
    token = org_a.token("admin")
    before = (await counts(database, org_a.id), await counts(database, org_b.id))
    for mutation, b_key, field, build in WRITES:
        input_type = mutation[0].upper() + mutation[1:] + "Input"
        document = f"""mutation($input: {input_type}!) {{
            {mutation}(input: $input) {{ userErrors {{ code field }} }} }}"""
        foreign = await gql(document, {"input": build(ids_a, ids_b[b_key])}, token)
        unknown = await gql(document, {"input": build(ids_a, random_id_like(ids_b[b_key]))}, token)
        assert foreign == unknown, mutation
        assert foreign["data"][mutation]["userErrors"] == [
            {"code": "NOT_FOUND", "field": ["input", field]}
        ], (mutation, b_key)
    # A manager known only in B is unknown in A.
    await helpers.employees(gql, org_b.token("admin"), [{"externalId": "B-ONLY", "name": "Bo"}])
    before = (before[0], await counts(database, org_b.id))
    rows = [{"externalId": "E9", "name": "New", "managerExternalId": "B-ONLY"}]
    data = await gql.data(helpers.UPSERT, {"input": {"employees": rows}}, token)
    assert data["employeesUpsert"]["userErrors"][0]["code"] == "NOT_FOUND"
    assert (await counts(database, org_a.id), await counts(database, org_b.id)) == before
    names = await gql.data(READ_ALL, token=org_b.token("admin"))
    units = [e["node"]["name"] for e in names["organization"]["orgUnits"]["edges"]]
    assert units == ["Site", "Team 1"]


async def test_rls_alone_hides_other_tenants(gql: Gql, two_orgs: Any, database: Database) -> None:
    org_a, _, org_b, _ = two_orgs
    await helpers.employees(gql, org_b.token("admin"), [{"externalId": "B3", "name": "Extra"}])
    async with database.engine.connect() as owner:  # the superuser: RLS does not apply
        both = (
            await owner.execute(
                text("SELECT count(*) FROM employee WHERE organization_id IN (:a, :b)"),
                {"a": org_a.id, "b": org_b.id},
            )
        ).scalar_one()
    assert both == 5
    async with database.session(org_a.id) as session:
        assert (await session.execute(text("SELECT count(*) FROM employee"))).scalar_one() == 2
        assert (await session.execute(text("SELECT count(*) FROM org_unit"))).scalar_one() == 2
        assert (await session.execute(text("SELECT count(*) FROM organization"))).scalar_one() == 1
    async with database.session(None) as session:
        for table in ("employee", "org_unit", "organization", "audit_log"):
            assert (await session.execute(text(f"SELECT count(*) FROM {table}"))).scalar_one() == 0


async def test_requests_run_as_kra_app_without_bypassrls(
    gql: Gql, make_org: Any, database: Database
) -> None:
    org = await make_org()
    async with database.session(org.id) as session:
        row = (
            await session.execute(
                text(
                    "SELECT current_user, (SELECT rolbypassrls FROM pg_roles "
                    "WHERE rolname = current_user), current_setting('app.organization_id')"
                )
            )
        ).one()
    assert tuple(row) == ("kra_app", False, str(org.id))

    events: list[tuple[int, str, Any]] = []

    def on_begin(conn: Any) -> None:
        events.append((id(conn), "BEGIN", ()))

    def on_statement(conn: Any, _cursor: Any, statement: str, params: Any, *_: Any) -> None:
        events.append((id(conn), statement, tuple(params)))

    engine = database.engine.sync_engine
    event.listen(engine, "begin", on_begin)
    event.listen(engine, "before_cursor_execute", on_statement)
    try:
        await gql.data(
            "{ organization { name employees(first: 5) { edges { cursor } } } }",
            token=org.token("admin"),
        )
    finally:
        event.remove(engine, "begin", on_begin)
        event.remove(engine, "before_cursor_execute", on_statement)
    # Every transaction's first statement switches to kra_app (and sets the tenant).
    first_after_begin: list[tuple[str, Any]] = []
    pending: set[int] = set()
    for conn, statement, params in events:
        if statement == "BEGIN":
            pending.add(conn)
        elif conn in pending:
            pending.discard(conn)
            first_after_begin.append((statement, params))
    assert len(first_after_begin) >= 2  # authentication, then the request's own session
    for statement, params in first_after_begin:
        assert statement.startswith("SELECT set_config('role', "), statement
        assert params[0] == "kra_app"
    assert ("kra_app", str(org.id)) in {p for _, p in first_after_begin}
    queries = [s for _, s, _ in events if s != "BEGIN" and "set_config" not in s]
    assert any("FROM employee" in q for q in queries)


async def test_concurrent_tenants_never_see_each_other(gql: Gql, two_orgs: Any) -> None:
    org_a, ids_a, org_b, ids_b = two_orgs
    own = {
        "Org A": ({*ids_a.values(), to_global_id("Organization", org_a.id)}, org_a.token("admin")),
        "Org B": ({*ids_b.values()}, org_b.token("admin")),
    }
    names = ["Org A", "Org B"] * 20
    bodies = await asyncio.gather(*(gql(READ_ALL, token=own[n][1]) for n in names))
    for name, body in zip(names, bodies, strict=True):
        assert "errors" not in body, body["errors"]
        assert body["data"]["organization"]["name"] == name
        assert ids_in(body["data"]) == own[name][0]


async def test_audit_log_is_append_only_for_kra_app(make_org: Any, database: Database) -> None:
    org = await make_org()
    insert = text(
        "INSERT INTO audit_log (organization_id, id, at, actor_kind, actor_label, action, "
        "entity_type) VALUES (:org, :id, now(), 'SYSTEM', 'test', 'test.append', 'Test')"
    )
    async with database.session(org.id) as session, session.begin():
        await session.execute(insert, {"org": org.id, "id": uuid.uuid4()})
    for statement in (
        "UPDATE audit_log SET action = 'rewritten'",
        "DELETE FROM audit_log",
    ):
        async with database.session(org.id) as session:
            with pytest.raises(DBAPIError, match="permission denied for table audit_log"):
                async with session.begin():
                    await session.execute(text(statement))
    async with database.session(org.id) as session:
        actions = (await session.execute(text("SELECT action FROM audit_log"))).scalars().all()
    assert actions == ["test.append"]
