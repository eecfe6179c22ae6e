"""Keyset pagination: gap-free walks in (sort key, id) order; bad cursors are input errors."""

from __future__ import annotations

import base64
import uuid
from typing import Any

import orjson
import pytest

from kra_api.graphql.core.ids import parse_global_id
from tests import helpers
from tests.conftest import Gql

PAGE = """query($first: Int!, $after: String) { organization {
  employees(first: $first, after: $after) {
    edges { cursor node { id name } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
} } }"""


async def add_employees(gql: Gql, token: str, names: list[str]) -> dict[str, str]:
    """Upsert ``names`` in batches of 100; return id → name."""
    ids: dict[str, str] = {}
    for start in range(0, len(names), 100):
        rows = [
            {"externalId": f"X{start + i:04d}", "name": name}
            for i, name in enumerate(names[start : start + 100])
        ]
        found = await helpers.employees(gql, token, rows)
        ids.update({emp_id: names[int(ext[1:])] for ext, emp_id in found.items()})
    return ids


async def walk(gql: Gql, token: str, first: int) -> tuple[list[dict[str, Any]], list[Any]]:
    """Every node, page after page; also each page's size and pageInfo."""
    nodes: list[dict[str, Any]] = []
    pages: list[Any] = []
    after = None
    while True:
        data = await gql.data(PAGE, {"first": first, "after": after}, token)
        connection = data["organization"]["employees"]
        edges = connection["edges"]
        info = connection["pageInfo"]
        pages.append((len(edges), info["hasNextPage"], info["hasPreviousPage"]))
        if edges:
            assert info["startCursor"] == edges[0]["cursor"]
            assert info["endCursor"] == edges[-1]["cursor"]
        nodes += [e["node"] for e in edges]
        if not info["hasNextPage"]:
            return nodes, pages
        after = info["endCursor"]


def uuid_of(global_id: str) -> uuid.UUID:
    parsed = parse_global_id(global_id)
    assert parsed is not None
    return parsed[1]


async def test_walks_250_employees_in_pages_of_100(gql: Gql, make_org: Any) -> None:
    org = await make_org()
    token = org.token("admin")
    # Inserted in an order unrelated to the name order.
    names = [f"Agent {(i * 37) % 250:03d}" for i in range(250)]
    ids = await add_employees(gql, token, names)
    nodes, pages = await walk(gql, token, 100)
    assert pages == [(100, True, False), (100, True, True), (50, False, True)]
    assert [n["id"] for n in nodes] == sorted(ids, key=lambda i: (ids[i], uuid_of(i)))
    assert len({n["id"] for n in nodes}) == 250
    assert [n["name"] for n in nodes] == [f"Agent {i:03d}" for i in range(250)]


async def test_equal_names_are_ordered_by_id(gql: Gql, make_org: Any) -> None:
    org = await make_org()
    token = org.token("admin")
    names = ["Kim Lee"] * 60 + ["Ann Kim"] * 3 + ["Zoe Park"] * 7
    ids = await add_employees(gql, token, names)
    nodes, pages = await walk(gql, token, 7)
    assert [size for size, _, _ in pages] == [7] * 10
    assert [has_next for _, has_next, _ in pages] == [True] * 9 + [False]
    expected = sorted(ids, key=lambda i: (ids[i], uuid_of(i)))
    assert [n["id"] for n in nodes] == expected
    # A page boundary falling between equal names loses and repeats nothing.
    middle = await gql.data(PAGE, {"first": 20}, token)
    cursor = middle["organization"]["employees"]["edges"][9]["cursor"]
    rest = await gql.data(PAGE, {"first": 10, "after": cursor}, token)
    assert [e["node"]["id"] for e in rest["organization"]["employees"]["edges"]] == expected[10:20]


async def test_an_empty_connection(gql: Gql, make_org: Any) -> None:
    org = await make_org()
    data = await gql.data(PAGE, {"first": 5}, org.token("admin"))
    assert data["organization"]["employees"] == {
        "edges": [],
        "pageInfo": {
            "hasNextPage": False,
            "hasPreviousPage": False,
            "startCursor": None,
            "endCursor": None,
        },
    }


def b64(value: bytes) -> str:
    return base64.urlsafe_b64encode(value).decode()


SOME_ID = "5f0c6a36-8d7e-4a53-9d5b-0f1f7d1b2c3e"
GARBAGE = {
    "not base64": "garbage!!",
    "empty": "",
    "padding only": "====",
    "not json": b64(b"not json"),
    "not utf-8": b64(b"\xff\xfe\x00"),
    "an object": b64(orjson.dumps({"name": "x"})),
    "too short": b64(orjson.dumps(["only one"])),
    "too long": b64(orjson.dumps(["a", "b", "c"])),
    "numbers": b64(orjson.dumps([1, 2])),
    "not a uuid": b64(orjson.dumps(["Ann", "not-a-uuid"])),
    "a number for the id": b64(orjson.dumps(["Ann", 12345])),
    "a list for the name": b64(orjson.dumps([["Ann"], SOME_ID])),
    "an object for the name": b64(orjson.dumps([{"a": 1}, SOME_ID])),
}


@pytest.mark.parametrize("cursor", GARBAGE.values(), ids=GARBAGE.keys())
@pytest.mark.parametrize("connection", ["employees", "orgUnits", "roles"])
async def test_a_garbage_cursor_is_bad_user_input(
    cursor: str, connection: str, gql: Gql, make_org: Any
) -> None:
    org = await make_org()
    query = f"""query($after: String) {{ organization {{
        {connection}(first: 5, after: $after) {{ edges {{ cursor }} }} }} }}"""
    body = await gql(query, {"after": cursor}, org.token("admin"))
    assert body["data"] is None
    [error] = body["errors"]
    assert error["extensions"] == {"code": "BAD_USER_INPUT"}, error
    assert error["message"] == "`after` is not a valid cursor for this connection"
