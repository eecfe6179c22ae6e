"""Authentication and permissions over HTTP (conventions 14-15): refused callers write nothing."""

from __future__ import annotations

import time
import uuid
from typing import Any

import httpx
import jwt
import pytest
from sqlalchemy import event, text

from kra_api.auth.authenticate import authenticate
from kra_api.auth.tokens import TokenVerifier
from kra_api.config import Settings
from kra_api.db.session import Database
from tests import helpers
from tests.conftest import Gql
from tests.db.rows import counts

UPSERT_ONE = {"input": {"employees": [{"externalId": "X1", "name": "Xavier"}]}}
ROLE_CREATE = """mutation { roleCreate(input: {code: "HACK", name: "Hack"}) {
  role { id } userErrors { code } } }"""


def crafted(settings: Settings, org: str | None, secret: str | None = None, **claims: Any) -> str:
    """A token for ``org`` (None: no claim) with ``claims`` overriding valid defaults."""
    now = int(time.time())
    body = {
        **({"org": org} if org else {}),
        "roles": ["admin"],
        "iat": now,
        "exp": now + 600,
        "aud": settings.jwt_audience,
        "iss": settings.jwt_issuer,
        **claims,
    }
    return jwt.encode(body, secret or settings.jwt_secret, algorithm="HS256")


def assert_top_level(body: dict[str, Any], code: str) -> None:
    """One top-level error with ``code`` and no data (nullable roots come back null)."""
    assert not any((body.get("data") or {}).values()), body
    assert [e["extensions"]["code"] for e in body["errors"]] == [code], body


async def post(client: httpx.AsyncClient, query: str, headers: dict[str, str], **var: Any) -> Any:
    response = await client.post(
        "/graphql", json={"query": query, "variables": var}, headers=headers
    )
    return response.json()


BAD_TOKENS = {
    "expired": lambda s, org: crafted(s, str(org.id), exp=int(time.time()) - 3600),
    "expired (ttl)": lambda s, org: org.token("admin", ttl=-3600),
    "forged signature": lambda s, org: crafted(s, str(org.id), secret="another-secret-" * 3),
    "wrong audience": lambda s, org: crafted(s, str(org.id), aud="someone-else"),
    "wrong issuer": lambda s, org: crafted(s, str(org.id), iss="evil-issuer"),
    "unknown organization id": lambda s, org: crafted(s, str(uuid.uuid4())),
    "unknown organization slug": lambda s, org: crafted(s, "no-such-org"),
    "no organization": lambda s, org: crafted(s, None),
    "unsigned": lambda s, org: jwt.encode(
        {"org": str(org.id), "roles": ["admin"], "exp": int(time.time()) + 60}, None, "none"
    ),
    "garbage": lambda s, org: "not.a.token",
}


@pytest.mark.parametrize("case", sorted(BAD_TOKENS))
async def test_bad_credentials_are_unauthenticated_and_write_nothing(
    case: str, gql: Gql, make_org: Any, settings: Settings, database: Database
) -> None:
    org = await make_org()
    before = await counts(database, org.id)
    token = BAD_TOKENS[case](settings, org)
    assert_top_level(await gql(helpers.UPSERT, UPSERT_ONE, token), "UNAUTHENTICATED")
    assert_top_level(await gql(ROLE_CREATE, token=token), "UNAUTHENTICATED")
    assert_top_level(await gql("{ organization { name } }", token=token), "UNAUTHENTICATED")
    assert await counts(database, org.id) == before


async def test_no_credential_is_unauthenticated(
    gql: Gql, make_org: Any, database: Database
) -> None:
    org = await make_org()
    before = await counts(database, org.id)
    assert_top_level(await gql(helpers.UPSERT, UPSERT_ONE), "UNAUTHENTICATED")
    for query in ("{ viewer { roles } }", '{ node(id: "x") { id } }', "{ organization { name } }"):
        assert_top_level(await gql(query), "UNAUTHENTICATED")
    assert await counts(database, org.id) == before


@pytest.mark.parametrize("roles", [("employee",), ("manager",), ("manager", "employee")])
async def test_roles_outside_the_matrix_are_forbidden(
    roles: tuple[str, ...], gql: Gql, make_org: Any, database: Database
) -> None:
    org = await make_org()
    admin = org.token("admin")
    team = await helpers.unit(gql, admin, "Team", "TEAM")
    ids = await helpers.employees(gql, admin, [{"externalId": "E1", "name": "Eve"}])
    before = await counts(database, org.id)
    token = org.token(*roles, sub="E1")
    assert_top_level(await gql(helpers.UPSERT, UPSERT_ONE, token), "FORBIDDEN")
    assert_top_level(await gql(ROLE_CREATE, token=token), "FORBIDDEN")
    assign = {"orgUnitId": team, "employeeId": ids["E1"], "effectiveFrom": "2026-01-01"}
    assert_top_level(await gql(helpers.LEAD, {"input": assign}, token), "FORBIDDEN")
    assert await counts(database, org.id) == before
    # Reading is allowed to every role.
    data = await gql.data("{ viewer { employee { name } } organization { name } }", token=token)
    assert data["viewer"]["employee"] == {"name": "Eve"}


async def test_api_key_scopes(client: httpx.AsyncClient, make_org: Any, database: Database) -> None:
    org = await make_org()
    writer = await org.api_key(["people:write"])
    reader = await org.api_key(["scorecards:read"])
    before = await counts(database, org.id)
    refused = await post(
        client, helpers.UPSERT, {"Authorization": f"Bearer {reader}"}, **UPSERT_ONE
    )
    assert_top_level(refused, "FORBIDDEN")
    assert await counts(database, org.id) == before
    read = await post(client, "{ organization { name } }", {"Authorization": f"Bearer {reader}"})
    assert read == {"data": {"organization": {"name": "Test BPO"}}}

    done = await post(client, helpers.UPSERT, {"Authorization": f"Bearer {writer}"}, **UPSERT_ONE)
    assert done["data"]["employeesUpsert"]["inserted"] == 1
    after = await counts(database, org.id)
    assert (after["employee"], after["audit_log"]) == (
        before["employee"] + 1,
        before["audit_log"] + 1,
    )
    async with database.session(org.id) as session:
        actor = (await session.execute(text("SELECT actor_kind, actor_label FROM audit_log"))).one()
    assert tuple(actor) == ("INTEGRATION", "api-key:test")


async def test_x_api_key_header(client: httpx.AsyncClient, make_org: Any) -> None:
    org = await make_org()
    key = await org.api_key(["people:write", "scorecards:read"])
    body = await post(client, "{ viewer { roles scopes } }", {"X-API-Key": key})
    assert body == {
        "data": {
            "viewer": {"roles": ["INTEGRATION"], "scopes": ["people:write", "scorecards:read"]}
        }
    }


async def test_revoked_and_unknown_keys_are_unauthenticated(
    client: httpx.AsyncClient, make_org: Any, database: Database
) -> None:
    org = await make_org()
    key = await org.api_key(["people:write"])
    ok = await post(client, "{ viewer { roles } }", {"X-API-Key": key})
    assert ok == {"data": {"viewer": {"roles": ["INTEGRATION"]}}}
    async with database.session(org.id) as session, session.begin():
        await session.execute(text("UPDATE api_key SET revoked_at = now()"))
    before = await counts(database, org.id)
    unknown = "kra_" + uuid.uuid4().hex
    for headers in (
        {"X-API-Key": key},
        {"Authorization": f"Bearer {key}"},
        {"X-API-Key": unknown},
        {"Authorization": f"Bearer {unknown}"},
    ):
        body = await post(client, helpers.UPSERT, headers, **UPSERT_ONE)
        assert_top_level(body, "UNAUTHENTICATED")
    assert await counts(database, org.id) == before


async def test_an_api_key_is_checked_in_one_transaction(
    make_org: Any, database: Database, settings: Settings
) -> None:
    org = await make_org()
    key = await org.api_key(["people:write"])
    other = await make_org()
    await other.api_key(["scorecards:read"])  # another tenant's key: never visible
    began: list[object] = []
    listener = event.listens_for(database.engine.sync_engine, "begin")(began.append)
    try:
        result = await authenticate(database, TokenVerifier(settings), {"x-api-key": key}, "r")
    finally:
        event.remove(database.engine.sync_engine, "begin", listener)
    assert result.principal is not None
    assert (result.principal.organization_id, result.principal.label) == (org.id, "api-key:test")
    assert len(began) == 1
