"""The hardening checklist of graphql-conventions.md (items 1-13 and 20), black-box over HTTP."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from strawberry.extensions.validation_cache import _get_validate_cache as validation_cache

from kra_api import people
from kra_api.app import create_app
from kra_api.auth.tokens import issue_token
from kra_api.config import Settings
from kra_api.db.session import Database
from kra_api.graphql.schema import CACHED_DOCUMENTS
from tests.db.rows import count

ROLE_CREATE = 'mutation { roleCreate(input: {code: "R1", name: "R"}) { role { id } } }'
PROD_SECRET = "x" * 40
INTROSPECTION = ["{ __schema { queryType { name } } }", '{ __type(name: "Query") { name } }']


@pytest.fixture
async def prod(database_url: str, database: Database) -> AsyncIterator[httpx.AsyncClient]:
    """A client of the app in production mode."""
    settings = Settings(database_url=database_url, env="production", jwt_secret=PROD_SECRET)
    transport = httpx.ASGITransport(app=create_app(settings, database))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


@pytest.fixture
async def tight(database_url: str, database: Database) -> AsyncIterator[httpx.AsyncClient]:
    """A client of an app with a 10 000-byte body cap and a 1 000-token limit."""
    settings = Settings(database_url=database_url, max_body_bytes=10_000, max_tokens=1_000)
    transport = httpx.ASGITransport(app=create_app(settings, database))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


def sign_in(client: httpx.AsyncClient, org: Any, *, production: bool = False) -> None:
    """Send ``org``'s admin token on every request of ``client``."""
    settings = (
        org.settings.model_copy(update={"jwt_secret": PROD_SECRET}) if production else org.settings
    )
    token = issue_token(settings, organization=str(org.id), roles=["admin"])
    client.headers["Authorization"] = f"Bearer {token}"


async def gql(client: httpx.AsyncClient, query: str, **kwargs: Any) -> Any:
    return (await client.post("/graphql", json={"query": query, **kwargs})).json()


def messages(body: dict[str, Any]) -> list[str]:
    return [e["message"] for e in body.get("errors", [])]


async def test_get_and_non_json_posts_are_refused_and_run_nothing(
    client: httpx.AsyncClient, make_org: Any, database: Database
) -> None:
    org = await make_org()
    sign_in(client, org)
    for query in ("{ viewer { roles } }", ROLE_CREATE):
        response = await client.get("/graphql", params={"query": query})
        assert 400 <= response.status_code < 500, response.text
    payload = json.dumps({"query": ROLE_CREATE})
    attempts = [
        {"data": {"query": ROLE_CREATE}},
        {"content": payload, "headers": {"Content-Type": "text/plain"}},
        {"files": {"operations": (None, payload), "map": (None, "{}")}},
        {"content": payload},  # no Content-Type at all
        {"json": [{"query": ROLE_CREATE}]},  # batching
    ]
    for attempt in attempts:
        response = await client.post("/graphql", **attempt)  # type: ignore[arg-type]
        assert 400 <= response.status_code < 500, (attempt, response.text)
    batch = await client.post("/graphql", json=[{"query": "{ viewer { roles } }"}])
    assert batch.status_code == 400
    assert await count(database, org.id, "role") == 0
    assert await count(database, org.id, "audit_log") == 0


async def test_introspection_ide_and_suggestions_follow_the_mode(
    client: httpx.AsyncClient, prod: httpx.AsyncClient, make_org: Any
) -> None:
    org = await make_org()
    sign_in(client, org)
    sign_in(prod, org, production=True)
    for query in INTROSPECTION:
        assert "errors" not in await gql(client, query)
        refused = await gql(prod, query)
        assert refused["data"] is None
        assert all("introspection has been disabled" in m for m in messages(refused))
    html = {"Accept": "text/html"}
    served = await client.get("/graphql", headers=html)
    assert (served.status_code, "graphiql" in served.text.lower()) == (200, True)
    assert (await prod.get("/graphql", headers=html)).status_code == 404
    typo = "{ organization { nme } }"
    assert "Did you mean 'name'?" in messages(await gql(client, typo))[0]
    assert messages(await gql(prod, typo)) == ["Cannot query field 'nme' on type 'Organization'."]
    role_input = "mutation($i: RoleCreateInput!) { roleCreate(input: $i) { role { id } } }"
    typos: list[dict[str, Any]] = [
        {"query": "{ organization { employees(frist: 1) { edges { cursor } } } }"},
        {"query": "query($f: EmployeeFiltr) { viewer { roles } }"},
        {"query": role_input, "variables": {"i": {"cod": "X", "name": "Y"}}},
    ]
    for request in typos:
        assert "Did you mean" in (await client.post("/graphql", json=request)).text
        refused = await prod.post("/graphql", json=request)
        assert refused.json()["errors"]
        assert "Did you mean" not in refused.text, refused.text


async def test_alias_limit(client: httpx.AsyncClient, make_org: Any) -> None:
    sign_in(client, await make_org())
    thirty = " ".join(f"a{i}: viewer {{ roles }}" for i in range(30))
    assert len((await gql(client, "{" + thirty + "}"))["data"]) == 30
    refused = await gql(client, "{" + thirty + " extra: viewer { roles } }")
    assert refused["data"] is None
    assert messages(refused) == ["31 aliases found. Allowed: 30"]


def parents(depth: int) -> str:
    """A query ``depth`` levels deep (organization, orgUnits, edges, node, then parents)."""
    chain = depth - 4
    return (
        "{ organization { orgUnits(first: 1) { edges { node { "
        + "parent { " * chain
        + "name"
        + " }" * chain
        + " } } } } }"
    )


async def test_depth_limit(client: httpx.AsyncClient, make_org: Any) -> None:
    sign_in(client, await make_org())
    assert "errors" not in await gql(client, parents(12))
    refused = await gql(client, parents(13))
    assert refused["data"] is None
    assert messages(refused) == ["'anonymous' exceeds maximum operation depth of 12"]


def inline_upsert(rows: int) -> str:
    """employeesUpsert with ``rows`` inline rows of 11 tokens each (and 15 around them)."""
    items = " ".join(f'{{externalId: "E{i}", name: "N", email: "e{i}@x.co"}}' for i in range(rows))
    return f"mutation {{ employeesUpsert(input: {{employees: [{items}]}}) {{ inserted }} }}"


async def test_token_limit_and_body_cap(
    tight: httpx.AsyncClient, make_org: Any, database: Database
) -> None:
    org = await make_org()
    sign_in(tight, org)
    over = await gql(tight, inline_upsert(90))  # 1 005 tokens
    assert over["data"] is None
    assert messages(over) == [
        "Syntax Error: Document contains more than 1000 tokens. Parsing aborted."
    ]
    assert await count(database, org.id, "employee") == 0
    fits = await gql(tight, inline_upsert(89))  # 994 tokens
    assert fits == {"data": {"employeesUpsert": {"inserted": 89}}}
    padded = ROLE_CREATE + " " * 10_001
    response = await tight.post("/graphql", json={"query": padded})
    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"
    assert "x-request-id" in response.headers

    async def streamed() -> AsyncIterator[bytes]:  # chunked: no Content-Length to check first
        yield json.dumps({"query": ROLE_CREATE})[:-1].encode() + b', "pad": "'
        for _ in range(11):
            yield b"p" * 1_000
        yield b'"}'

    response = await tight.post(
        "/graphql", content=streamed(), headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413
    assert await count(database, org.id, "role") == 0


async def test_repeated_directive_is_one_error(client: httpx.AsyncClient, make_org: Any) -> None:
    sign_in(client, await make_org())
    for repeats in (2, 50, 500):
        query = "{ viewer " + "@include(if: true) " * repeats + "{ roles } }"
        body = await gql(client, query)
        assert body["data"] is None
        assert messages(body) == ["a directive is repeated on one location"], repeats
    spread = "{ a: viewer @skip(if: false) @skip(if: false) { roles } b: viewer " + (
        "@include(if: true) @include(if: true) { roles } }"
    )
    assert len(messages(await gql(client, spread))) == 1


@pytest.mark.parametrize("mode", ["development", "production"])
async def test_a_bug_is_masked_with_a_request_id(
    mode: str,
    client: httpx.AsyncClient,
    prod: httpx.AsyncClient,
    make_org: Any,
    database: Database,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async def broken(*_: Any, **__: Any) -> Any:
        raise RuntimeError("secret SQL: SELECT password FROM vault")

    monkeypatch.setattr(people.service, "create_role", broken)
    http = prod if mode == "production" else client
    org = await make_org()
    sign_in(http, org, production=mode == "production")
    response = await http.post("/graphql", json={"query": ROLE_CREATE})
    body = response.json()
    assert body["data"] is None
    assert body["errors"][0]["message"] == "Unexpected error."
    assert body["errors"][0]["extensions"] == {
        "code": "INTERNAL_SERVER_ERROR",
        "requestId": response.headers["x-request-id"],
    }
    for leak in ("secret", "password", "Traceback", "RuntimeError", ".py"):
        assert leak not in response.text
    assert await count(database, org.id, "audit_log") == 0


@pytest.mark.parametrize("connection", ["employees", "orgUnits", "roles"])
@pytest.mark.parametrize(
    "first", ["(first: 1000)", "(first: 0)", "(first: 101)", "(first: -1)", ""]
)
async def test_page_size_is_required_and_bounded(
    connection: str, first: str, client: httpx.AsyncClient, make_org: Any
) -> None:
    sign_in(client, await make_org())
    body = await gql(
        client, f"{{ organization {{ {connection}{first} {{ edges {{ cursor }} }} }} }}"
    )
    assert body["data"] is None
    [error] = body["errors"]
    assert error["extensions"] == {"code": "BAD_USER_INPUT"}
    assert "`first`" in error["message"]
    assert error["path"] == ["organization", connection]


async def test_nodes_takes_at_most_100_ids(client: httpx.AsyncClient, make_org: Any) -> None:
    sign_in(client, await make_org())
    query = "query($ids: [ID!]!) { nodes(ids: $ids) { id } }"
    fits = await gql(client, query, variables={"ids": ["x"] * 100})
    assert fits == {"data": {"nodes": [None] * 100}}
    refused = await gql(client, query, variables={"ids": ["x"] * 101})
    assert [e["extensions"]["code"] for e in refused["errors"]] == ["BAD_USER_INPUT"]


async def test_top_level_mutation_limit(
    client: httpx.AsyncClient, make_org: Any, database: Database
) -> None:
    org = await make_org()
    sign_in(client, org)

    def document(n: int) -> str:
        fields = (
            f'm{i}: roleCreate(input: {{code: "R{i}", name: "R"}}) {{ role {{ id }} }}'
            for i in range(n)
        )
        return "mutation { " + " ".join(fields) + " }"

    refused = await gql(client, document(6))
    assert refused["data"] is None
    assert messages(refused) == ["6 top-level mutations in one document; at most 5 allowed"]
    assert await count(database, org.id, "role") == 0
    assert "errors" not in await gql(client, document(5))
    assert await count(database, org.id, "role") == 5


async def test_every_response_has_a_request_id(
    client: httpx.AsyncClient, prod: httpx.AsyncClient, make_org: Any
) -> None:
    sign_in(client, await make_org())
    responses = [
        await client.post("/graphql", json={"query": "{ viewer { roles } }"}),
        await client.post("/graphql", json={"query": "{ nope }"}),
        await client.post("/graphql", json=[]),
        await client.get("/graphql", params={"query": "{ viewer { roles } }"}),
        await client.post("/graphql", content="x", headers={"Content-Type": "text/plain"}),
        await client.get("/healthz"),
        await client.get("/no-such-page"),
        await prod.get("/graphql", headers={"Accept": "text/html"}),
    ]
    ids = [r.headers.get("x-request-id") for r in responses]
    assert all(ids), ids
    assert len(set(ids)) == len(ids), ids
    echoed = await client.get("/healthz", headers={"X-Request-ID": "trace-abc-123"})
    assert echoed.headers["x-request-id"] == "trace-abc-123"
    too_long = await client.get("/healthz", headers={"X-Request-ID": "a" * 200})
    assert too_long.headers["x-request-id"] != "a" * 200


async def test_repeated_documents_skip_parsing_and_validation_but_not_the_limits(
    client: httpx.AsyncClient, make_org: Any
) -> None:
    sign_in(client, await make_org())
    cache = validation_cache(CACHED_DOCUMENTS)
    query = parents(11) + " "  # a text no other test sends
    for _ in range(3):
        assert "errors" not in await gql(client, query)
    hits = cache.cache_info().hits
    assert "errors" not in await gql(client, query)
    assert cache.cache_info().hits == hits + 1  # same rules every request: the cache answers
    # A refused document stays refused when it is answered from the cache.
    for _ in range(2):
        refused = await gql(client, parents(13) + "  ")
        assert messages(refused) == ["'anonymous' exceeds maximum operation depth of 12"]
