"""Database unreachable: HTTP 503, SERVICE_UNAVAILABLE, Retry-After and a request id; no stack."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from kra_api import app as app_module
from kra_api.app import create_app
from kra_api.auth.authenticate import AuthResult
from kra_api.auth.principal import Principal, UserRole
from kra_api.auth.tokens import issue_token
from kra_api.config import Settings
from kra_api.db.session import Database

NOWHERE = "postgresql://postgres@127.0.0.1:1/nowhere"  # nothing listens on port 1
SETTINGS = Settings(database_url=NOWHERE)


@pytest.fixture
async def down() -> AsyncIterator[httpx.AsyncClient]:
    """A client of an app whose database cannot be reached."""
    database = Database(NOWHERE, pool_size=1, max_overflow=0)
    transport = httpx.ASGITransport(app=create_app(SETTINGS, database))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client
    await database.dispose()


def assert_unavailable(response: httpx.Response) -> None:
    assert response.status_code == 503, response.text
    assert response.headers["retry-after"] == "5"
    [error] = response.json()["errors"]
    assert error["extensions"] == {
        "code": "SERVICE_UNAVAILABLE",
        "requestId": response.headers["x-request-id"],
    }
    assert "nowhere" not in response.text
    assert "Traceback" not in response.text


def bearer(org: str) -> dict[str, str]:
    return {"Authorization": "Bearer " + issue_token(SETTINGS, organization=org, roles=["hr"])}


@pytest.mark.parametrize(
    "headers",
    [bearer("acme"), bearer(str(uuid.uuid4())), {"X-API-Key": "kra_" + "k" * 43}],
    ids=["slug", "organization id", "api key"],
)
async def test_checking_credentials(down: httpx.AsyncClient, headers: dict[str, str]) -> None:
    response = await down.post("/graphql", json={"query": "{ viewer { roles } }"}, headers=headers)
    assert_unavailable(response)


async def test_inside_a_resolver(down: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch) -> None:
    principal = Principal(uuid.uuid4(), "USER", "hr", roles=frozenset({UserRole.HR}))

    async def trusted(*_: Any) -> AuthResult:
        return AuthResult(principal)

    monkeypatch.setattr(app_module, "authenticate", trusted)
    response = await down.post("/graphql", json={"query": "{ organization { name } }"})
    assert_unavailable(response)


async def test_without_credentials_nothing_is_asked_of_the_database(
    down: httpx.AsyncClient,
) -> None:
    response = await down.post("/graphql", json={"query": "{ viewer { roles } }"})
    assert response.status_code == 200
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
